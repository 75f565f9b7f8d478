// What the process pages' scripts say, in the page's language (Vietnamese first).
const VI = {
  valid: 'Sơ đồ hợp lệ: có thể triển khai.',
  invalid: n => `Sơ đồ có ${n} lỗi: xem danh sách bên dưới và các phần tử được đánh dấu đỏ.`,
  wholeDiagram: 'Cả sơ đồ',
  tooLarge: 'Tệp quá lớn (tối đa 2 MB).',
  uploaded: name => `Đã mở ${name}: kiểm tra rồi triển khai để áp dụng.`,
  unreadable: detail => `Không đọc được sơ đồ: ${detail}`,
  failed: detail => `Không mở được trình vẽ sơ đồ: ${detail}`,
  importWarnings: n => `Sơ đồ có ${n} cảnh báo khi mở; hãy kiểm tra trước khi triển khai.`,
  holder: 'Đang giữ',
  since: 'từ',
  due: 'hạn',
  version: 'phiên bản',
  statuses: { running: 'đang chạy', completed: 'đã xong', cancelled: 'đã hủy', error: 'lỗi' },
  noDiagram: 'Văn bản chưa có luồng quy trình nào.',
  sessionExpired: 'Phiên đăng nhập đã hết hạn: hãy tải xuống bản đang sửa, đăng nhập lại rồi tải lên.'
};

const EN = {
  valid: 'The diagram is valid and can be deployed.',
  invalid: n => `The diagram has ${n} problem(s): see the list below and the elements marked in red.`,
  wholeDiagram: 'Whole diagram',
  tooLarge: 'The file is too large (at most 2 MB).',
  uploaded: name => `Opened ${name}: validate and deploy to apply it.`,
  unreadable: detail => `The diagram cannot be read: ${detail}`,
  failed: detail => `The modeler could not start: ${detail}`,
  importWarnings: n => `The diagram opened with ${n} warning(s); validate it before deploying.`,
  holder: 'Held by',
  since: 'since',
  due: 'due',
  version: 'version',
  statuses: { running: 'running', completed: 'completed', cancelled: 'cancelled', error: 'error' },
  noDiagram: 'This document has no workflow yet.',
  sessionExpired: 'Your session has expired: download the edited diagram, sign in again and upload it.'
};

export function messages(lang) {
  return lang === 'en' ? EN : VI;
}
