import { readFileSync } from 'node:fs';
import { parseDictionary, type Dictionary, type MatchableSituation } from '../../../server/matching/index.js';

/** The bundled dictionary, as the app loads it. */
export function bundledDictionary(): Dictionary {
  const path = new URL('../../../knowledge-base/dictionary.json', import.meta.url);
  return parseDictionary(JSON.parse(readFileSync(path, 'utf8')));
}

/** A situation with sensible defaults; tests override what they care about. */
export function buildSituation(overrides: Partial<MatchableSituation> & { code: string; question: string }): MatchableSituation {
  return {
    fieldSlug: 'dan-su',
    fieldName: 'Dân sự',
    alternates: [],
    answer: 'Câu trả lời mẫu cho tình huống này.',
    tags: [],
    ...overrides,
  };
}

/** A small knowledge base covering the behaviours under test, across a few fields. */
export const SITUATIONS: MatchableSituation[] = [
  buildSituation({
    code: 'HNGD-1',
    fieldSlug: 'hon-nhan-gia-dinh',
    fieldName: 'Hôn nhân và gia đình',
    question: 'Khi ly hôn, con chung dưới 36 tháng tuổi được giao cho ai trực tiếp nuôi?',
    alternates: ['Ly hôn thì con nhỏ ở với bố hay mẹ?'],
    answer: 'Con dưới 36 tháng tuổi được giao cho mẹ trực tiếp nuôi, trừ khi mẹ không đủ điều kiện.',
    tags: ['quyền nuôi con', 'ly hôn'],
  }),
  buildSituation({
    code: 'HNGD-2',
    fieldSlug: 'hon-nhan-gia-dinh',
    fieldName: 'Hôn nhân và gia đình',
    question: 'Nam nữ cần đáp ứng những điều kiện gì thì mới được kết hôn?',
    answer: 'Nam từ đủ 20 tuổi, nữ từ đủ 18 tuổi, tự nguyện, không mất năng lực hành vi dân sự.',
    tags: ['kết hôn', 'tuổi kết hôn'],
  }),
  buildSituation({
    code: 'DD-1',
    fieldSlug: 'dat-dai',
    fieldName: 'Đất đai',
    question: 'Giấy chứng nhận quyền sử dụng đất bị mất thì xin cấp lại ở đâu, cần giấy tờ gì?',
    answer: 'Nộp đơn đề nghị cấp lại tại Văn phòng đăng ký đất đai kèm giấy xác nhận đã niêm yết thông báo mất.',
    tags: ['cấp lại', 'đất đai'],
  }),
  buildSituation({
    code: 'DD-2',
    fieldSlug: 'dat-dai',
    fieldName: 'Đất đai',
    question: 'Thủ tục chuyển nhượng quyền sử dụng đất giữa hai gia đình gồm những bước nào?',
    answer: 'Hai bên lập hợp đồng có công chứng, kê khai nghĩa vụ tài chính, đăng ký biến động.',
  }),
  buildSituation({
    code: 'BHXH-1',
    fieldSlug: 'bao-hiem-xa-hoi',
    fieldName: 'Bảo hiểm xã hội',
    question: 'Điều kiện và hồ sơ hưởng bảo hiểm xã hội một lần gồm những gì?',
    answer: 'Người lao động nộp sổ bảo hiểm xã hội và đơn đề nghị hưởng một lần.',
  }),
  buildSituation({
    code: 'GT-1',
    fieldSlug: 'giao-thong',
    fieldName: 'Giao thông',
    question: 'Điều khiển xe máy khi không mang theo giấy phép lái xe bị phạt bao nhiêu tiền?',
    answer: 'Phạt tiền theo nghị định xử phạt vi phạm hành chính về giao thông đường bộ.',
  }),
  buildSituation({
    code: 'HT-1',
    fieldSlug: 'ho-tich',
    fieldName: 'Hộ tịch',
    question: 'Đăng ký khai sinh cho con cần chuẩn bị những giấy tờ gì?',
    answer: 'Tờ khai đăng ký khai sinh và giấy chứng sinh.',
  }),
  buildSituation({
    code: 'DS-1',
    question: 'Cho bạn vay tiền nhưng bạn không trả thì phải làm sao?',
    answer: 'Có thể gửi yêu cầu trả nợ, hòa giải hoặc khởi kiện tại Tòa án.',
  }),
  buildSituation({
    code: 'DS-2',
    question: 'Mua bán xe máy cũ có cần công chứng hợp đồng không?',
    answer: 'Giấy bán, cho, tặng xe của cá nhân phải được công chứng hoặc chứng thực.',
  }),
  buildSituation({
    code: 'TK-1',
    fieldSlug: 'thua-ke',
    fieldName: 'Thừa kế',
    question: 'Người không biết chữ lập di chúc thế nào thì hợp pháp?',
    answer: 'Phải có người làm chứng lập thành văn bản, có công chứng hoặc chứng thực.',
  }),
  buildSituation({
    code: 'TK-2',
    fieldSlug: 'thua-ke',
    fieldName: 'Thừa kế',
    question: 'Người biết chữ tự viết di chúc bằng tay có hợp pháp không?',
    answer: 'Di chúc tự viết tay và ký là di chúc bằng văn bản không có người làm chứng.',
  }),
  buildSituation({
    code: 'LD-1',
    fieldSlug: 'lao-dong',
    fieldName: 'Lao động',
    question: 'Người lao động nghỉ việc có được nhận trợ cấp thôi việc không?',
    answer: 'Được trợ cấp thôi việc nếu làm việc thường xuyên từ đủ 12 tháng trở lên.',
  }),
  buildSituation({
    code: 'LD-2',
    fieldSlug: 'lao-dong',
    fieldName: 'Lao động',
    question: 'Người lao động nghỉ việc có được nhận trợ cấp mất việc làm không?',
    answer: 'Trợ cấp mất việc làm khi bị cho thôi việc vì thay đổi cơ cấu, công nghệ.',
  }),
];
