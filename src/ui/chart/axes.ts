import { textWidth } from '../textWidth';

/** A y axis wide enough for its widest tick label (recharts puts the label 8 px left of the axis line). */
export const axisWidth = (widest: string, fontSize: number) => Math.ceil(textWidth(widest, fontSize)) + 12;
