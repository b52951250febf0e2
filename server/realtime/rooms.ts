/** The one place room names are made. */
export const rooms = {
  conversation: (id: string) => `conversation:${id}`,
  /** Consultants watching a conversation in the console. */
  consoleConversation: (id: string) => `console:conversation:${id}`,
  /** Every console tab of one staff member. */
  staff: (id: string) => `staff:${id}`,
};
