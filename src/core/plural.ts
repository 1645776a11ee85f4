/** "1 file", "2 files": `many` for a word whose plural is not the word and an s ("boxes"). */
export const plural = (n: number, word: string, many = `${word}s`): string => `${n} ${n === 1 ? word : many}`;
