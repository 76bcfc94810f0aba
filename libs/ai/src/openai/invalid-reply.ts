/** A model answer that cannot be used: the provider asks once more, saying why. */
export class InvalidReply extends Error {}
