// How people ask for their own approval queue, in one place: the main dialog routes these to the queue,
// and whoever reworks understanding can reuse the list as it is. Each pattern is anchored and free of
// nested repetition, so matching stays linear in the message's length.

/** Words around a question that change nothing ("please", "show me", "?"). */
function tidy(text: string): string {
  return text
    .trim()
    .toLowerCase()
    .replace(/[’']/g, "'")
    .replace(/[?!.,]+/g, ' ')
    .replace(/\s+/g, ' ')
    .trim()
    .replace(/^(please |hey |ok |so )/, '')
    .replace(/ please$/, '')
    .replace(/^(show me |show |list |give me |what are |what're )/, '');
}

/** "for me", "my", "to approve": the asker's own queue, whatever their admin rights. */
export const APPROVER_QUEUE_PATTERNS: readonly RegExp[] = [
  /^(what's|whats|what is|what) (waiting|pending|waits) (for me|on me|for my approval|for my decision)$/,
  /^(anything|something|any requests?|any approvals?) (for me )?to (approve|decide|review)$/,
  /^(is there|are there|do i have) (anything|any requests?|any approvals?) (for me )?to (approve|decide|review)$/,
  /^my (pending )?(approvals?|approval queue|approval requests|queue)$/,
  /^(pending |open )?(approvals?|requests?|approval requests) (for me|waiting for me|for me to approve|i can approve|i can decide|to approve)$/,
  /^(what|which requests?) (do i|can i|should i) (need to )?(approve|decide)$/,
  /^(what|which requests?) (needs?|need|await|awaits|wait for|waits for) my (approval|decision)$/,
  /^(requests?|approvals?) (waiting|pending) (for|on) me$/,
  /^(waiting for me|to approve|approval queue|approvals queue)$/,
];

export function isApproverQueueQuestion(text: string): boolean {
  if (text.length > 200) return false;
  const said = tidy(text);
  return APPROVER_QUEUE_PATTERNS.some((p) => p.test(said));
}
