/**
 * The HTML report's inline script, as a string so the page stays one file.
 * Plain ES2017 for any browser; names only ever reach the DOM through
 * textContent, never as markup. Data layout (one comparison): `strings` is a
 * string table, `nodes` is flat, NODE_FIELDS numbers per node in preorder:
 * name index, file index, depth, base, head, base self, head self (values in
 * `unit`), colour level (−4…4), verdict (0 none, 1 pass, 2 warn, 3 fail),
 * merged frame count (−1 for an ordinary frame). Per comparison also
 * `verdict`, and `flagged`: the failing and warning frames listed beside the
 * graph. `initial` is the comparison the page opens on (the worst).
 *
 * A failing frame, and every frame on its path, is drawn at least MIN_FAIL_PX
 * wide however narrow its share: a reviewer must see what failed at any zoom.
 *
 * The hover text is built here rather than shipped per node (that doubled
 * the page): fmtValue…describe mirror format.ts line for line, and the
 * browser test checks the text equals describeNode's for the same node.
 */
export const NODE_FIELDS = 10;

export const PAGE_SCRIPT = String.raw`(function () {
  "use strict";
  var FIELDS = ${NODE_FIELDS};
  var ROW = 18;
  var MIN_FAIL_PX = 4;
  var data = JSON.parse(document.getElementById("flame-data").textContent);
  var $ = function (id) { return document.getElementById(id); };
  var flame = $("flame"), details = $("details"), crumbs = $("crumbs"), search = $("search");
  var found = $("found"), note = $("note"), flaggedList = $("flagged-list");
  var state = { cmp: data.initial || 0, view: "diff", focus: null, query: "", flip: false, picked: null };
  var trees = [];
  var VERDICTS = ["", "pass", "warn", "fail"];

  // --- mirror of format.ts ---
  function short(v) {
    var a = Math.abs(v);
    if (a >= 100) return v.toFixed(0);
    if (a >= 10) return v.toFixed(1);
    return v.toFixed(2);
  }
  function fmtValue(v, unit) {
    if (v === 0) return unit === "bytes" ? "0 B" : unit === "nanoseconds" ? "0 s" : "0";
    var a = Math.abs(v);
    if (unit === "nanoseconds") {
      if (a >= 1e9) return short(v / 1e9) + " s";
      if (a >= 1e6) return short(v / 1e6) + " ms";
      if (a >= 1e3) return short(v / 1e3) + " µs";
      return short(v) + " ns";
    }
    if (unit === "bytes") {
      if (a >= Math.pow(2, 30)) return short(v / Math.pow(2, 30)) + " GiB";
      if (a >= Math.pow(2, 20)) return short(v / Math.pow(2, 20)) + " MiB";
      if (a >= Math.pow(2, 10)) return short(v / Math.pow(2, 10)) + " KiB";
      return v.toFixed(0) + " B";
    }
    var suffix = unit === "count" || unit === "" ? "" : " " + unit;
    if (a >= 1e9) return short(v / 1e9) + "G" + suffix;
    if (a >= 1e6) return short(v / 1e6) + "M" + suffix;
    if (a >= 1e3) return short(v / 1e3) + "k" + suffix;
    return (Number.isInteger(v) ? v.toFixed(0) : short(v)) + suffix;
  }
  function fmtShare(f) {
    var p = f * 100;
    return (Math.abs(p) < 0.1 && p !== 0 ? p.toFixed(2) : p.toFixed(1)) + " %";
  }
  function signed(s, v) {
    if (parseFloat(s) === 0) return s.replace(/^-/, "");
    return v > 0 ? "+" + s : s;
  }
  function fmtPp(delta) {
    var p = delta * 100;
    return signed((Math.abs(p) < 0.1 && p !== 0 ? p.toFixed(2) : p.toFixed(1)) + " pp", p);
  }
  function fmtRel(rel) {
    if (rel === null) return "new";
    var p = rel * 100;
    return signed((Math.abs(p) >= 10 ? p.toFixed(0) : p.toFixed(1)) + " %", p);
  }
  function describe(c, n) {
    var baseShare = c.baseTotal > 0 ? n.base / c.baseTotal : 0;
    var headShare = c.headTotal > 0 ? n.head / c.headTotal : 0;
    var shareDelta = headShare - baseShare;
    var shareRel = baseShare > 0 ? shareDelta / baseShare : null;
    var lines = [n.name];
    if (n.merged >= 0) {
      lines.push(n.merged + " frames (with their callees) each under " + fmtShare(c.minShare) +
        " of both totals, merged");
    } else if (n.file) {
      lines.push(n.file);
    }
    var side = function (v, share, self, which) {
      return which + ": " + fmtValue(v, c.unit) + " · " + fmtShare(share) + " of " + which +
        " (self " + fmtValue(self, c.unit) + ")";
    };
    lines.push(side(n.base, baseShare, n.baseSelf, "base"));
    lines.push(side(n.head, headShare, n.headSelf, "head"));
    var what = n.level === 0 ? "within noise" : n.level > 0 ? "share grew" : "share shrank";
    var delta = n.base === 0 && n.head > 0 ? "new in head"
      : n.head === 0 && n.base > 0 ? "gone in head"
      : fmtPp(shareDelta) + " (" + fmtRel(shareRel) + ")";
    lines.push("Δ share: " + delta + " · " + what);
    if (n.verdict) lines.push("verdict: " + VERDICTS[n.verdict]);
    return lines.join("\n");
  }
  // --- end of mirror ---

  function tree(i) {
    if (trees[i]) return trees[i];
    var c = data.comparisons[i], n = c.nodes, nodes = [], stack = [];
    for (var k = 0; k * FIELDS < n.length; k++) {
      var o = k * FIELDS;
      var node = { i: k, name: c.strings[n[o]], file: c.strings[n[o + 1]], depth: n[o + 2],
        base: n[o + 3], head: n[o + 4], baseSelf: n[o + 5], headSelf: n[o + 6], level: n[o + 7],
        verdict: n[o + 8], merged: n[o + 9], children: [], parent: null };
      stack.length = node.depth;
      if (node.depth > 0) { node.parent = stack[node.depth - 1]; node.parent.children.push(node); }
      stack.push(node);
      nodes.push(node);
    }
    // keep: a failing frame or one on a failing frame's path, never dropped as too narrow.
    nodes.forEach(function (node) {
      if (node.verdict !== 3) return;
      for (var a = node; a && !a.keep; a = a.parent) a.keep = true;
    });
    trees[i] = { c: c, nodes: nodes, root: nodes[0] };
    return trees[i];
  }

  // Width of a node as a fraction of the whole graph: its share of its own side's total.
  function val(t, node) {
    var b = t.c.baseTotal > 0 ? node.base / t.c.baseTotal : 0;
    var h = t.c.headTotal > 0 ? node.head / t.c.headTotal : 0;
    return state.view === "base" ? b : state.view === "head" ? h : (b + h) / 2;
  }

  function matches(node, q) { return q !== "" && node.name.toLowerCase().indexOf(q) >= 0; }

  function searchStats(t, q) {
    var count = 0, share = 0;
    (function walk(node, inside) {
      var m = matches(node, q);
      if (m) count++;
      // Nested matches are inside an outer one: count their weight once.
      if (m && !inside) share += val(t, node);
      for (var k = 0; k < node.children.length; k++) walk(node.children[k], inside || m);
    })(t.root, false);
    var all = val(t, t.root);
    return { count: count, share: all > 0 ? share / all : 0 };
  }

  function render() {
    var t = tree(state.cmp);
    if (state.focus && !(val(t, state.focus) > 0)) state.focus = null;
    var focus = state.focus || t.root;
    var W = flame.clientWidth;
    var chain = [];
    for (var a = focus; a; a = a.parent) chain.unshift(a);
    var items = [];
    chain.forEach(function (node, d) { items.push({ node: node, x: 0, w: W, d: d, anc: node !== focus }); });
    var fv = val(t, focus), maxD = chain.length - 1;
    (function lay(node, x, d) {
      var cx = x;
      node.children.forEach(function (ch) {
        var w = (val(t, ch) / fv) * W;
        // Under half a pixel a frame cannot be seen; zooming in brings it back
        // (a failing frame and its path stay, widened to MIN_FAIL_PX when drawn).
        if (w >= 0.5 || ch.keep) {
          items.push({ node: ch, x: cx, w: w, d: d, anc: false });
          if (d > maxD) maxD = d;
          lay(ch, cx, d + 1);
        }
        cx += w;
      });
    })(focus, 0, chain.length);
    var rows = maxD + 1, q = state.query.toLowerCase(), shown = 0;
    var frag = document.createDocumentFragment();
    items.forEach(function (it) {
      var div = document.createElement("div");
      var lv = it.node.level;
      var cls = "f " + (lv > 0 ? "r" + lv : lv < 0 ? "b" + -lv : "n");
      if (it.anc) cls += " anc";
      if (it.node.verdict === 3) cls += " vf";
      else if (it.node.verdict === 2) cls += " vw";
      if (matches(it.node, q)) { cls += " match"; shown++; }
      if (it.node === state.picked) cls += " picked";
      div.className = cls;
      div.style.left = it.x + "px";
      div.style.width = Math.max(it.w - 1, it.node.keep ? MIN_FAIL_PX : 0.5) + "px";
      div.style.top = (state.flip ? rows - 1 - it.d : it.d) * ROW + "px";
      div.setAttribute("data-i", String(it.node.i));
      div.textContent = it.node.name;
      frag.appendChild(div);
    });
    flame.style.height = rows * ROW + "px";
    flame.replaceChildren(frag);

    crumbs.replaceChildren();
    chain.forEach(function (node, d) {
      if (d > 0) crumbs.appendChild(document.createTextNode(" › "));
      var b = document.createElement("button");
      b.textContent = node.name;
      b.className = "crumb";
      b.addEventListener("click", function () { state.focus = node === t.root ? null : node; render(); });
      crumbs.appendChild(b);
    });

    if (q) {
      var s = searchStats(t, q);
      found.textContent = s.count + " frame" + (s.count === 1 ? "" : "s") + " match · " +
        (s.share * 100).toFixed(1) + " % of " + (state.view === "diff" ? "both" : state.view) +
        " · " + shown + " shown";
    } else {
      found.textContent = "";
    }
    note.textContent = t.c.note;
    if (flaggedList.getAttribute("data-cmp") !== String(state.cmp)) listFlagged(t);
    document.querySelectorAll("button[data-cmp]").forEach(function (b) {
      var on = b.getAttribute("data-cmp") === String(state.cmp);
      b.classList.toggle("on", on);
      b.setAttribute("aria-pressed", String(on));
    });
    document.querySelectorAll("button[data-view]").forEach(function (b) {
      var on = b.getAttribute("data-view") === state.view;
      b.classList.toggle("on", on);
      b.setAttribute("aria-pressed", String(on));
    });
    document.querySelectorAll("section[data-flame]").forEach(function (sec) {
      sec.hidden = sec.getAttribute("data-flame") !== String(state.cmp);
    });
  }

  // The heaviest drawn node of a listed function (name and file), in the current view.
  function heaviest(t, f) {
    var best = null;
    t.nodes.forEach(function (node) {
      if (node.name !== f.name || node.file !== f.file) return;
      if (!best || val(t, node) > val(t, best)) best = node;
    });
    return best;
  }

  function listFlagged(t) {
    flaggedList.setAttribute("data-cmp", String(state.cmp));
    flaggedList.replaceChildren();
    var flagged = t.c.flagged || [];
    $("flagged-none").hidden = flagged.length > 0;
    flagged.forEach(function (f) {
      var li = document.createElement("li");
      var b = document.createElement("button");
      b.type = "button";
      b.className = "frame " + f.verdict;
      b.textContent = f.name;
      b.title = f.file;
      var node = heaviest(t, f);
      if (node) {
        b.addEventListener("click", function () {
          var n = heaviest(tree(state.cmp), f);
          state.focus = n.parent ? n : null;
          state.picked = n;
          render();
          details.textContent = describe(t.c, n);
        });
      } else {
        b.disabled = true;
        b.title = f.file + " (not in the graph: merged into a narrow frame)";
      }
      var info = document.createElement("span");
      info.className = "muted";
      info.textContent = " " + f.verdict + " · " + f.change;
      li.appendChild(b);
      li.appendChild(info);
      flaggedList.appendChild(li);
    });
  }

  function nodeOf(target) {
    var div = target && target.closest ? target.closest(".f") : null;
    return div ? tree(state.cmp).nodes[Number(div.getAttribute("data-i"))] : null;
  }

  flame.addEventListener("click", function (e) {
    var node = nodeOf(e.target);
    if (!node) return;
    state.focus = node.parent ? node : null;
    render();
  });
  flame.addEventListener("mouseover", function (e) {
    var node = nodeOf(e.target);
    if (node) details.textContent = describe(tree(state.cmp).c, node);
  });
  document.querySelectorAll("button[data-cmp]").forEach(function (b) {
    b.addEventListener("click", function () {
      state.cmp = Number(b.getAttribute("data-cmp"));
      state.focus = null;
      state.picked = null;
      details.textContent = details.getAttribute("data-empty");
      render();
    });
  });
  document.querySelectorAll("button[data-view]").forEach(function (b) {
    b.addEventListener("click", function () { state.view = b.getAttribute("data-view"); render(); });
  });
  $("reset").addEventListener("click", function () { state.focus = null; render(); });
  $("flip").addEventListener("click", function () { state.flip = !state.flip; render(); });
  search.addEventListener("input", function () { state.query = search.value.trim(); render(); });
  document.addEventListener("keydown", function (e) {
    if (e.key === "Escape") { state.focus = null; render(); }
  });
  window.addEventListener("resize", render);
  details.textContent = details.getAttribute("data-empty");
  if (data.comparisons.length > 0) render();
  else {
    note.textContent = "No call trees in this report: the tables below are all there is.";
    $("flagged").hidden = true;
  }
})();
`;
