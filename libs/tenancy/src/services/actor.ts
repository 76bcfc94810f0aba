/** Who is acting: the user behind the API key of the request. */
export interface Actor {
  userId: string;
}
