import { PALETTE } from "./colours.js";

const steps = (prefix: string, fills: readonly string[]) =>
  fills.map((fill, i) => `.${prefix}${i + 1}{background:${fill}}`).join("");

/** The HTML report's inline stylesheet; frame colours come from the same palette as the SVG. */
export const PAGE_STYLE = `
body{font:13px/1.45 system-ui,-apple-system,"Segoe UI",sans-serif;margin:16px;color:#111;background:#fff}
h1{font-size:18px;margin:0 0 8px}
h2{font-size:15px;margin:20px 0 6px}
.bar{display:flex;flex-wrap:wrap;gap:6px;align-items:center;margin:6px 0}
button{font:inherit;border:1px solid #999;background:#f4f4f4;border-radius:3px;padding:2px 8px;cursor:pointer}
button.on{background:#222;color:#fff;border-color:#222}
button.crumb{border:none;background:none;padding:0;color:#0645ad;text-decoration:underline}
input[type=search]{font:inherit;padding:2px 6px;width:22em}
#found{color:#333}
#note,.legend{color:#444;margin:4px 0}
.sw{display:inline-block;width:1.6em;height:1em;vertical-align:middle;border-radius:2px}
#main{display:flex;gap:12px;align-items:flex-start}
#flame{position:relative;flex:1 1 auto;min-width:0;overflow:hidden;font:11px/17px ui-monospace,SFMono-Regular,Menlo,Consolas,monospace;margin:6px 0}
.f{position:absolute;height:17px;box-sizing:border-box;padding:0 3px;white-space:nowrap;overflow:hidden;text-overflow:ellipsis;cursor:pointer;border-radius:1px}
.f:hover{filter:brightness(.88)}
.n{background:${PALETTE.neutral}}
${steps("r", PALETTE.grew)}${steps("b", PALETTE.shrank)}
.r4,.b4{color:#fff}
.anc{opacity:.55}
.vf{box-shadow:inset 0 0 0 2px #b00020;z-index:1}
.f.picked{outline:2px solid #0645ad;outline-offset:-1px;z-index:2}
.vw{box-shadow:inset 0 0 0 1px #555}
#flagged{flex:0 0 18em;max-height:70vh;overflow:auto;border-left:1px solid #ddd;padding-left:10px}
#flagged h3{font-size:13px;margin:0 0 4px}
#flagged ol{margin:0;padding-left:1.6em}
#flagged li{margin:2px 0;overflow-wrap:anywhere}
button.frame{border:none;background:none;padding:0;text-align:left;text-decoration:underline;font-weight:bold}
button.frame:disabled{text-decoration:none;cursor:default}
button[data-verdict=fail]{border-color:#b00020}
button[data-verdict=fail]::after{content:" · fail";color:#b00020}
button[data-verdict=warn]::after{content:" · warn";color:#9a6700}
button.on[data-verdict]::after{color:inherit}
.f.match{background:#ffd400;color:#000}
#details{white-space:pre-wrap;font:12px/1.4 ui-monospace,SFMono-Regular,Menlo,Consolas,monospace;min-height:7.5em;background:#f6f6f6;padding:6px 8px;margin:6px 0}
table{border-collapse:collapse;margin:4px 0 10px}
th,td{border-bottom:1px solid #ddd;padding:2px 8px;text-align:left;vertical-align:top}
td.num,th.num{text-align:right;font-variant-numeric:tabular-nums}
.fail{color:#b00020;font-weight:bold}.warn{color:#9a6700;font-weight:bold}.pass{color:#1a7f37}
.muted{color:#666}
`;
