/** A request the endpoint cannot answer (a bad cursor token, a malformed search body): becomes a 400. */
export class BadRequest extends Error {}
