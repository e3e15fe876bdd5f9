// How much of a message is read as a command. Teams lets people send about 4,000 characters; a
// command is a line. The cap leaves room for a one-sentence request that carries a full justification
// (PIM takes at most 500 characters of it) plus the role, duration and ticket around it. A longer
// message is answered plainly and not parsed at all; a justification typed at the justification
// prompt is not a command and keeps its own limit (prompts/justificationPrompt.ts).

export const MAX_COMMAND_LENGTH = 700;

export const TOO_LONG_FOR_A_COMMAND =
  `That message is too long for me to read as a command (over ${MAX_COMMAND_LENGTH} characters), so I did nothing with it. ` +
  'Say "activate" to start a request; I will ask for the justification on its own.';
