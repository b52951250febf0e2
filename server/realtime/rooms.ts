/** The one place room names are made. */
export const rooms = {
  conversation: (id: string) => `conversation:${id}`,
  /** Consultants watching a conversation in the console. */
  consoleConversation: (id: string) => `console:conversation:${id}`,
};
