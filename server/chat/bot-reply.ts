import type { CitationView, SituationView } from '../knowledge/index.js';
import type { NewMessage } from './chat.repository.js';
import type { MatchCandidateLike, MatchResultLike } from './chat.ports.js';

/**
 * Turns a matching decision into what the citizen reads. Every text here is Vietnamese; the
 * payload carries the structure the widget renders (legal basis, buttons).
 */

export const DISCLAIMER =
  'Đây là thông tin pháp luật chung, không thay thế ý kiến tư vấn cho trường hợp cụ thể của bạn.';

export const TEXT = {
  clarify: 'Câu hỏi của bạn gần với một vài tình huống dưới đây. Bạn muốn hỏi về nội dung nào?',
  escalate:
    'Xin lỗi, tôi chưa tìm được câu trả lời đủ chắc chắn cho câu hỏi này. Bạn có thể hỏi lại với nhiều chi tiết hơn, hoặc chuyển câu hỏi đến chuyên viên tư vấn pháp luật.',
  greeting:
    'Xin chào! Tôi là trợ lý Hỏi Luật. Bạn hãy nhập câu hỏi pháp luật của mình, ví dụ: "Làm lại căn cước bị mất cần giấy tờ gì?"',
  thanks: 'Rất vui được giúp bạn. Nếu còn thắc mắc khác, bạn cứ hỏi tiếp nhé.',
  goodbye: 'Chào bạn, chúc bạn một ngày tốt lành. Khi cần, bạn có thể quay lại hỏi bất cứ lúc nào.',
  identity:
    'Tôi là trợ lý tự động của Hỏi Luật, trả lời dựa trên các tình huống pháp luật do Sở Tư pháp biên soạn. Khi chưa chắc chắn, tôi sẽ chuyển câu hỏi đến chuyên viên tư vấn.',
  other: 'Tôi chỉ có thể hỗ trợ các câu hỏi về pháp luật. Bạn hãy nhập câu hỏi pháp luật của mình nhé.',
} as const;

/** A citation as the citizen sees it, with a note when the document is no longer as cited. */
export function citationForCitizen(citation: CitationView) {
  const doc = citation.document;
  let note: string | undefined;
  if (doc?.status === 'repealed') {
    note = doc.replacedBy
      ? `Văn bản này đã hết hiệu lực, được thay thế bởi ${doc.replacedBy.title} số ${doc.replacedBy.number}.`
      : 'Văn bản này đã hết hiệu lực.';
  } else if (doc?.status === 'amended') {
    note = doc.amendedBy?.length
      ? `Văn bản này đã được sửa đổi, bổ sung bởi ${doc.amendedBy.join(', ')}.`
      : 'Văn bản này đã được sửa đổi, bổ sung.';
  }
  return {
    document: doc?.number ?? citation.documentRef,
    title: doc?.title ?? citation.title,
    article: citation.article || undefined,
    clause: citation.clause || undefined,
    status: doc?.status ?? 'unknown',
    note,
  };
}

/** The bot's answer message for one situation, with related situations as follow-ups. */
export function answerReply(situation: SituationView, related: { code: string; question: string }[]): NewMessage {
  return {
    sender: 'bot',
    kind: 'answer',
    body: situation.answer,
    payload: {
      situation: {
        code: situation.code,
        question: situation.question,
        field: situation.field,
        reviewed_at: situation.reviewedAt,
        legal_basis: situation.citations.map(citationForCitizen),
      },
      related,
      disclaimer: DISCLAIMER,
    },
  };
}

export function clarifyReply(options: MatchCandidateLike[]): NewMessage {
  return {
    sender: 'bot',
    kind: 'clarify',
    body: TEXT.clarify,
    payload: { options: options.map((o) => ({ code: o.code, question: o.question, field: { slug: o.fieldSlug, name: o.fieldName } })) },
  };
}

export function escalateReply(suggestions: MatchCandidateLike[] = []): NewMessage {
  return {
    sender: 'bot',
    kind: 'escalate',
    body: TEXT.escalate,
    payload: { offer_consultant: true, suggestions: suggestions.map((s) => ({ code: s.code, question: s.question })) },
  };
}

export function smallTalkReply(kind: NonNullable<MatchResultLike['smallTalk']>): NewMessage {
  return { sender: 'bot', kind: 'small_talk', body: TEXT[kind] ?? TEXT.other, payload: { small_talk: kind } };
}

/** Candidates after the first that are close enough to offer as "related" (at most three). */
export function relatedCandidates(result: MatchResultLike, chosen: string): MatchCandidateLike[] {
  const top = result.candidates[0]?.score ?? 0;
  return result.candidates.filter((c) => c.code !== chosen && c.score >= top * 0.5).slice(0, 3);
}
