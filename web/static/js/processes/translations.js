// The modeler's texts in the page's language: bpmn-js and its panel speak English, Q-Office's own
// groups (panel.js) are written in Vietnamese; each language maps the other side's strings.
const VI = {
  // palette and context pad
  'Activate hand tool': 'Di chuyển khung vẽ',
  'Activate lasso tool': 'Chọn vùng',
  'Activate create/remove space tool': 'Thêm/bớt khoảng trống',
  'Activate global connect tool': 'Nối phần tử',
  'Create start event': 'Thêm sự kiện bắt đầu',
  'Create intermediate/boundary event': 'Thêm sự kiện trung gian/gắn vào công việc',
  'Create end event': 'Thêm sự kiện kết thúc',
  'Create gateway': 'Thêm cổng rẽ nhánh',
  'Create task': 'Thêm công việc',
  'Create data object reference': 'Thêm đối tượng dữ liệu',
  'Create data store reference': 'Thêm kho dữ liệu',
  'Create expanded sub-process': 'Thêm quy trình con mở rộng',
  'Create pool/participant': 'Thêm bể (pool)',
  'Create group': 'Thêm nhóm',
  'Append end event': 'Nối sự kiện kết thúc',
  'Append gateway': 'Nối cổng rẽ nhánh',
  'Append task': 'Nối công việc',
  'Append intermediate/boundary event': 'Nối sự kiện trung gian',
  'Append text annotation': 'Thêm ghi chú',
  'Add text annotation': 'Thêm ghi chú',
  'Change element': 'Đổi loại phần tử',
  'Change type': 'Đổi loại',
  'Delete': 'Xóa',
  'Connect using sequence/message flow or association': 'Nối bằng luồng',
  'Connect to other element': 'Nối tới phần tử khác',
  'Connect using association': 'Nối bằng liên kết',
  'Add lane above': 'Thêm làn phía trên',
  'Add lane below': 'Thêm làn phía dưới',
  'Divide into two lanes': 'Chia thành hai làn',
  'Divide into three lanes': 'Chia thành ba làn',
  'Search in diagram': 'Tìm trong sơ đồ',
  // properties panel
  'General': 'Chung',
  'Name': 'Tên',
  'ID': 'Mã',
  'Documentation': 'Mô tả',
  'Element documentation': 'Mô tả phần tử',
  'Process documentation': 'Mô tả quy trình',
  'Executable': 'Chạy được',
  'Process name': 'Tên quy trình',
  'Process ID': 'Mã quy trình',
  'Participant': 'Bể (pool)',
  'Multi-instance': 'Lặp nhiều lần',
  'Select an element to edit its properties.': 'Chọn một phần tử để sửa thuộc tính.',
  'Multiple elements are selected. Select a single one to edit its properties.':
    'Đang chọn nhiều phần tử. Chọn một phần tử để sửa thuộc tính.',
  'ID must be unique.': 'Mã phải duy nhất.',
  'ID must not be empty.': 'Mã không được để trống.',
  'ID must not contain spaces.': 'Mã không được có dấu cách.',
  'ID must be a valid QName.': 'Mã phải là tên XML hợp lệ (chữ cái, số, _).',
  'ID must not contain prefix.': 'Mã không được có tiền tố.',
  '<none>': '<không>'
};

const EN = {
  'Vai trò của làn': 'Lane role',
  'Vai trò Q-Office': 'Q-Office role',
  'Ai nhận các công việc trong làn này.': 'Who receives the tasks of this lane.',
  'Công việc của người dùng': 'User task',
  'Biểu mẫu': 'Form',
  'Biểu mẫu người xử lý điền; để trống là biểu mẫu cùng tên với mã công việc.':
    'The form the holder fills in; empty means the form named like the task id.',
  'Người xử lý (assignee)': 'Assignee',
  "Biểu thức Python, ví dụ 'user:' + leader; để trống: mọi người có vai trò của làn.":
    "A Python expression, e.g. 'user:' + leader; empty: everyone with the lane's role.",
  'Đơn vị (unit)': 'Unit',
  "Biểu thức Python, ví dụ 'unit:' + unit hoặc unit.": "A Python expression, e.g. 'unit:' + unit or unit.",
  'Hạn xử lý (due)': 'Due',
  'Biểu thức Python, ví dụ add_working_days(received_at, 2).': 'A Python expression, e.g. add_working_days(received_at, 2).',
  'Thao tác của hệ thống': 'Service operator',
  'Thao tác': 'Operator',
  'Chọn một thao tác trong danh sách cho phép.': 'Choose an operator from the allow-list.',
  'Biến kết quả': 'Result variable',
  'Tên biến nhận kết quả của thao tác (ví dụ registration).': "The variable receiving the operator's result (e.g. registration).",
  'Thao tác không nhận tham số này: xóa nội dung để bỏ.': 'The operator takes no such parameter: clear it to remove it.',
  'Mã script (Python)': 'Script (Python)',
  'Mã': 'Code',
  'Python giới hạn: không import, không truy cập thuộc tính ẩn (__…__).': 'Restricted Python: no imports, no dunder access.',
  'Điều kiện rẽ nhánh': 'Branch condition',
  'Nhánh mặc định': 'Default branch',
  'Không': 'No',
  'Có (đi nhánh này khi không điều kiện nào đúng)': 'Yes (taken when no condition holds)',
  'Điều kiện': 'Condition',
  "Biểu thức Python, ví dụ decision == 'refuse'.": "A Python expression, e.g. decision == 'refuse'.",
  'Hẹn giờ': 'Timer',
  'Loại hẹn giờ': 'Timer type',
  'Thời điểm (date)': 'Date',
  'Khoảng thời gian (duration)': 'Duration',
  'Chu kỳ (cycle)': 'Cycle',
  'Biểu thức hẹn giờ': 'Timer expression',
  'Gọi quy trình con': 'Call activity',
  'Mã quy trình được gọi': 'Called process id',
  'Quy trình đã triển khai; chạy phiên bản mới nhất tại lúc triển khai sơ đồ này.':
    'A deployed process; runs its newest version at the time this diagram is deployed.',
  "Python, trả về chuỗi ISO 8601 có múi giờ; ví dụ verify_due, 'PT2H', 'R60/' + next_morning(due) + '/P1D'. Hàm: {functions}":
    "Python returning an ISO 8601 string with a time zone; e.g. verify_due, 'PT2H', 'R60/' + next_morning(due) + '/P1D'. Functions: {functions}"
};

export function translateModule(lang) {
  const table = lang === 'en' ? EN : VI;
  function translate(template, replacements) {
    const result = table[template] || template;
    return result.replace(/{([^}]+)}/g, (match, key) => (replacements && key in replacements ? replacements[key] : match));
  }
  return { translate: [ 'value', translate ] };
}
