/** The one place room names are made. */
export const rooms = {
  conversation: (id: string) => `conversation:${id}`,
};
