/** The part of autocannon's API the retrieval bench uses (the package ships no types). */
declare module 'autocannon' {
  interface AutocannonResult {
    non2xx: number;
    errors: number;
    timeouts: number;
    /** Seconds the run lasted. */
    duration: number;
  }
  interface AutocannonInstance extends PromiseLike<AutocannonResult> {
    on(event: 'response', listener: (client: unknown, statusCode: number, bytes: number, ms: number) => void): this;
  }
  function autocannon(options: Record<string, unknown>): AutocannonInstance;
  export = autocannon;
}
