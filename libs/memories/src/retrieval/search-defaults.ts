/** What each search route assumes when a request leaves a setting out. */
export const SEARCH_DEFAULTS = {
  /** Results of a platform search (v1, v2, v3 and the MCP tool). */
  topK: 10,
  /** v3 keeps a candidate whose semantic or keyword relevance reaches this. */
  v3Threshold: 0.1,
  /** The legacy v2 search filters harder, as the platform's did. */
  v2Threshold: 0.3,
  /** The OSS server's search. */
  ossTopK: 20,
  ossThreshold: 0.1,
} as const;
