/** What the citizen reads about the queue (Vietnamese). */
export const CITIZEN_TEXT = {
  queued: (position: number, minutes: number) =>
    `Yêu cầu của bạn đã được chuyển đến chuyên viên tư vấn. Bạn đang ở vị trí số ${position} trong hàng chờ, thời gian chờ dự kiến khoảng ${minutes} phút. Bạn có thể giữ nguyên trang này.`,
  offline: (ticket: string, reason: 'after_hours' | 'nobody_online') =>
    `${reason === 'after_hours' ? 'Hiện đang ngoài giờ làm việc' : 'Hiện chưa có chuyên viên trực tuyến'}. Câu hỏi của bạn đã được ghi nhận với mã tra cứu ${ticket}. Chuyên viên sẽ trả lời trong cuộc trò chuyện này; bạn có thể quay lại trang này trên cùng trình duyệt, hoặc nhập mã tra cứu tại trang tra cứu để xem câu trả lời.`,
  claimed: (name: string) => `Chuyên viên ${name} đã nhận câu hỏi của bạn và sẽ trả lời ngay tại đây.`,
  transferred: 'Câu hỏi của bạn đang được chuyển cho chuyên viên phù hợp hơn, vui lòng chờ trong giây lát.',
  returned: 'Chuyên viên tạm thời gián đoạn; câu hỏi của bạn đã được đưa lại hàng chờ để chuyên viên khác tiếp nhận.',
  closed: 'Chuyên viên đã kết thúc cuộc tư vấn. Nếu còn câu hỏi khác, bạn cứ nhập tiếp; trợ lý tự động sẽ hỗ trợ bạn.',
  cancelled: 'Bạn đã hủy yêu cầu gặp chuyên viên. Trợ lý tự động tiếp tục hỗ trợ bạn.',
  emailSubject: (ticket: string) => `Hỏi Luật: trả lời câu hỏi mã ${ticket}`,
  emailBody: (ticket: string, question: string, reply: string) =>
    `Câu hỏi của bạn (mã ${ticket}):\n${question}\n\nTrả lời của chuyên viên tư vấn:\n${reply}\n\nĐây là thông tin pháp luật chung, không thay thế ý kiến tư vấn cho trường hợp cụ thể. Bạn có thể xem lại cuộc trò chuyện bằng mã tra cứu trên trang hỏi đáp.`,
};
