import { BREAK, phraseAt, tokenize } from './normalize.js';

/**
 * Messages that are not questions at all: greetings, thanks, goodbyes, "who are you", and
 * keyboard tests. The chat layer answers them kindly instead of searching the law for them.
 */

export type SmallTalkKind = 'greeting' | 'thanks' | 'goodbye' | 'identity' | 'other';

const PHRASES: Record<SmallTalkKind, string[]> = {
  identity: [
    'bạn là ai', 'bạn là gì', 'bạn tên gì', 'bạn tên là gì', 'em là ai', 'đây là ai', 'ai đấy', 'ai đó', 'ai vậy',
    'bạn là người hay máy', 'là người hay máy', 'bạn là robot', 'bạn là bot', 'là bot à', 'bạn là người thật',
    'có phải người thật không', 'người thật không', 'đây là đâu', 'bạn làm được gì', 'bạn giúp được gì',
    'bạn có thể làm gì', 'bạn là trợ lý ảo', 'bạn có phải luật sư không', 'who are you', 'bạn bao nhiêu tuổi',
    'bạn mấy tuổi', 'bạn ở đâu', 'bạn tên là gì thế', 'bạn có người yêu chưa', 'bạn có khỏe không', 'bạn khỏe không',
    'bạn ăn cơm chưa', 'bạn đang làm gì', 'bạn có biết nói tiếng anh không', 'bạn thông minh không',
  ],
  thanks: [
    'cảm ơn', 'cám ơn', 'thanks', 'thank you', 'thank', 'tks', 'thx', 'camon', 'cám ơn nhiều', 'biết ơn', 'hiểu rồi',
    'được rồi', 'rõ rồi', 'ok rồi', 'tuyệt vời', 'hay quá', 'giỏi quá',
  ],
  goodbye: [
    'tạm biệt', 'bye bye', 'bye', 'bai bai', 'goodbye', 'good bye', 'hẹn gặp lại', 'chào tạm biệt', 'see you',
    'chúc ngủ ngon', 'ngủ ngon', 'good night', 'thôi nhé', 'đi đây',
  ],
  greeting: [
    'xin chào', 'chào', 'hello', 'helo', 'hi', 'alo', 'a lô', 'hey', 'good morning', 'chào buổi sáng', 'chào buổi tối',
    'chào buổi chiều', 'chúc mừng năm mới', 'có ai không', 'có ai ở đó không', 'có ai trực không',
  ],
  other: [
    'test', 'testing', 'thử', 'abc', 'xyz', 'asdf', 'qwerty', '123', '1234', 'ok', 'oke', 'okay', 'ừ', 'ừm', 'uh', 'hihi',
    'haha', 'hehe', 'hì', 'kk', 'kaka', 'hả', 'gì', 'hmm', 'ờ', 'đùa thôi', 'vui quá', 'buồn quá', 'chán quá', 'buồn',
    'chán', 'yêu bạn', 'i love you', 'kể chuyện cười đi', 'kể chuyện cười', 'hát đi', 'bot ngu', 'ngu quá', 'đồ ngốc',
    'vô dụng', 'spam',
  ],
};

/** Words that may surround small talk without making it a question. */
const FILLER = [
  'bạn', 'bot', 'ad', 'admin', 'em', 'anh', 'chị', 'mình', 'tôi', 'cháu', 'luật sư', 'nhé', 'nha', 'ạ', 'à', 'nhiều',
  'rất', 'lắm', 'ơi', 'vậy', 'thế', 'nhỉ', 'đó', 'ấy', 'rồi', 'nhá', 'page', 'mọi người', 'cả nhà', 'vâng', 'dạ',
  'nhé', 'shop', 'nhiều nhé', 'ạ ạ', 'e', 'a', 'ak', 'nhe', 'ha', 'hen', 'đã', 'giúp', 'trả lời', 'tư vấn',
];

const PRIORITY: SmallTalkKind[] = ['identity', 'thanks', 'goodbye', 'greeting', 'other'];

const COMPILED = [
  ...PRIORITY.flatMap((kind) => PHRASES[kind].map((p) => ({ kind: kind as SmallTalkKind | null, tokens: tokenize(p) }))),
  ...FILLER.map((p) => ({ kind: null, tokens: tokenize(p) })),
].sort((a, b) => b.tokens.length - a.tokens.length);

/**
 * The kind of small talk the whole message is, or null when it holds anything else (a greeting
 * followed by a question is a question). Keyboard tests ("test", "abc") are `other`.
 */
export function detectSmallTalk(text: string): SmallTalkKind | null {
  const tokens = tokenize(text).filter((t) => t !== BREAK);
  if (tokens.length === 0 || tokens.length > 12) return null;
  const kinds = new Set<SmallTalkKind>();
  let i = 0;
  while (i < tokens.length) {
    const hit = COMPILED.find((c) => phraseAt(tokens, i, c.tokens));
    if (!hit) return null;
    if (hit.kind) kinds.add(hit.kind);
    i += hit.tokens.length;
  }
  return PRIORITY.find((k) => kinds.has(k)) ?? 'other';
}
