/** Frames kept in a comparison besides every frame that does not pass: the largest by share. */
export const TOP_FRAMES = 50;
