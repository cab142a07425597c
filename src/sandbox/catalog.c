/*
 * catalog.c - static reference data for the sandbox (see catalog.h).
 *
 * Durations are DOMAIN.md section 8's sample values.  Fees are plausible
 * sample amounts (chứng thực bản sao 2.000 đ/trang, chữ ký 10.000 đ), not a
 * statement of current law.  Communes and villages are invented but shaped
 * like post-2025 communes of a highland province; the agency codes are
 * synthetic.
 */
#include "sandbox/catalog.h"

#include <string.h>

#define SOURCE_NAME(name, title) #name,
#define SOURCE_TITLE(name, title) title,
static const char *const source_names[] = {CATALOG_SOURCES(SOURCE_NAME)};
static const char *const source_titles[] = {CATALOG_SOURCES(SOURCE_TITLE)};
_Static_assert(sizeof source_names / sizeof source_names[0] == SRC_COUNT,
	       "CATALOG_SOURCES and enum sbx_source differ");

int
catalog_source_from_name(const char *name)
{
	if (name == NULL)
		return SRC_NONE;
	for (int i = 0; i < SRC_COUNT; i++)
		if (strcmp(source_names[i], name) == 0)
			return i;
	return SRC_NONE;
}

const char *
catalog_source_name(int src)
{
	return src >= 0 && src < SRC_COUNT ? source_names[src] : "?";
}

const char *
catalog_source_title(int src)
{
	return src >= 0 && src < SRC_COUNT ? source_titles[src] : "?";
}

#define CUTOFF_15 (15 * 60)
#define SAME_DAY(policy) {0, DEADLINE_WORKING_DAYS, CUTOFF_15, policy}
#define WDAYS(n) {n, DEADLINE_WORKING_DAYS, -1, DEADLINE_RESTART}

const struct catalog_procedure catalog_procedures[] = {
	{"1.001193.000.00.00.H56", "Đăng ký khai sinh", "HT", "Hộ tịch", SRC_TUPHAP,
	 SAME_DAY(DEADLINE_RESTART), 30, 0, {{0}}, 3,
	 {{"TP-KS-01", "To khai dang ky khai sinh", "pdf", 90, 400},
	  {"TP-KS-02", "Giay chung sinh", "pdf", 150, 900},
	  {"TP-KS-03", "Giay to tuy than cua nguoi di dang ky", "jpg", 200, 1200}},
	 "Đăng ký khai sinh cho con của %s"},
	{"1.000894.000.00.00.H56", "Đăng ký kết hôn", "HT", "Hộ tịch", SRC_TUPHAP,
	 SAME_DAY(DEADLINE_RESTART), 8, 0, {{0}}, 2,
	 {{"TP-KH-01", "To khai dang ky ket hon", "pdf", 90, 400},
	  {"TP-KH-02", "Giay xac nhan tinh trang hon nhan", "pdf", 120, 600}},
	 "Đăng ký kết hôn của %s"},
	{"1.000656.000.00.00.H56", "Đăng ký khai tử", "HT", "Hộ tịch", SRC_TUPHAP,
	 SAME_DAY(DEADLINE_RESTART), 6, 0, {{0}}, 2,
	 {{"TP-KT-01", "To khai dang ky khai tu", "pdf", 90, 400},
	  {"TP-KT-02", "Giay bao tu", "pdf", 120, 700}},
	 "Đăng ký khai tử, người đi đăng ký: %s"},
	{"2.000635.000.00.00.H56", "Cấp bản sao trích lục hộ tịch", "HT", "Hộ tịch",
	 SRC_TUPHAP, SAME_DAY(DEADLINE_RESTART), 12, 1,
	 {{"LP-TL", "Phí cấp bản sao trích lục hộ tịch", 8000, 0, 2}}, 1,
	 {{"TP-TL-01", "To khai cap ban sao trich luc", "pdf", 60, 300}},
	 "Cấp bản sao trích lục hộ tịch cho %s"},
	{"2.000815.000.00.00.H56", "Chứng thực bản sao từ bản chính", "CT", "Chứng thực",
	 SRC_TUPHAP, SAME_DAY(DEADLINE_RESTART), 34, 1,
	 {{"LP-CTBS", "Lệ phí chứng thực bản sao (2.000 đ/trang)", 2000, 1, 1}}, 1,
	 {{"TP-CT-01", "Ban chinh giay to can chung thuc", "pdf", 300, 2500}},
	 "Chứng thực bản sao giấy tờ của %s"},
	{"2.000884.000.00.00.H56", "Chứng thực chữ ký trong các giấy tờ, văn bản", "CT",
	 "Chứng thực", SRC_TUPHAP, SAME_DAY(DEADLINE_RESTART), 10, 1,
	 {{"LP-CTCK", "Lệ phí chứng thực chữ ký", 10000, 0, 1}}, 1,
	 {{"TP-CK-01", "Giay to van ban can chung thuc chu ky", "pdf", 100, 800}},
	 "Chứng thực chữ ký của %s"},
	{"1.004194.000.00.00.H56", "Đăng ký thường trú", "CTR", "Cư trú", SRC_CONGAN,
	 WDAYS(7), 35, 1, {{"LP-TT", "Lệ phí đăng ký thường trú", 20000, 0, 1}}, 2,
	 {{"CA-TT-01", "To khai thay doi thong tin cu tru CT01", "pdf", 80, 350},
	  {"CA-TT-02", "Giay to chung minh cho o hop phap", "pdf", 300, 3000}},
	 "Đăng ký thường trú cho %s"},
	{"1.004222.000.00.00.H56", "Đăng ký tạm trú", "CTR", "Cư trú", SRC_CONGAN, WDAYS(3),
	 40, 1, {{"LP-TTR", "Lệ phí đăng ký tạm trú", 15000, 0, 1}}, 2,
	 {{"CA-TR-01", "To khai thay doi thong tin cu tru CT01", "pdf", 80, 350},
	  {"CA-TR-02", "Hop dong thue nha", "pdf", 400, 2500}},
	 "Đăng ký tạm trú cho %s"},
	{"1.004197.000.00.00.H56", "Xác nhận thông tin về cư trú", "CTR", "Cư trú",
	 SRC_CONGAN, WDAYS(1), 25, 0, {{0}}, 1,
	 {{"CA-XN-01", "To khai thay doi thong tin cu tru CT01", "pdf", 80, 350}},
	 "Xác nhận thông tin cư trú của %s"},
	{"1.003003.000.00.00.H56", "Đăng ký biến động quyền sử dụng đất", "DD", "Đất đai",
	 SRC_NNMT, WDAYS(10), 60, 1,
	 {{"LP-BD", "Lệ phí cấp giấy chứng nhận khi đăng ký biến động", 30000, 0, 1}}, 3,
	 {{"NN-BD-01", "Don dang ky bien dong dat dai mau 11-DK", "pdf", 200, 900},
	  {"NN-BD-02", "Ban quet giay chung nhan da cap", "tif", 1500, 8000},
	  {"NN-BD-03", "Hop dong chuyen nhuong co cong chung", "pdf", 600, 4000}},
	 "Đăng ký biến động thửa đất của %s"},
	{"1.004227.000.00.00.H56", "Cấp Giấy chứng nhận quyền sử dụng đất lần đầu", "DD",
	 "Đất đai", SRC_NNMT, WDAYS(20), 40, 2,
	 {{"LP-GCN", "Lệ phí cấp giấy chứng nhận", 100000, 0, 1},
	  {"PH-TD", "Phí thẩm định hồ sơ cấp giấy chứng nhận", 500000, 0, 2}}, 4,
	 {{"NN-CD-01", "Don dang ky dat dai mau 04a-DK", "pdf", 200, 900},
	  {"NN-CD-02", "Ban do dia chinh thua dat", "tif", 3000, 12000},
	  {"NN-CD-03", "Ban ve so do nha o", "pdf", 2000, 6000},
	  {"NN-CD-04", "Giay to ve quyen su dung dat ban quet", "tif", 1500, 8000}},
	 "Cấp giấy chứng nhận quyền sử dụng đất lần đầu cho %s"},
	{"1.001776.000.00.00.H56", "Trợ cấp xã hội hằng tháng", "BTXH", "Bảo trợ xã hội",
	 SRC_TINH, WDAYS(10), 55, 0, {{0}}, 2,
	 {{"TX-TC-01", "To khai de nghi tro giup xa hoi mau 1a", "pdf", 90, 400},
	  {"TX-TC-02", "Giay xac nhan khuyet tat", "pdf", 150, 900}},
	 "Đề nghị trợ cấp xã hội hằng tháng cho %s"},
	{"2.000720.000.00.00.H56", "Đăng ký hộ kinh doanh", "HKD", "Hộ kinh doanh", SRC_TINH,
	 WDAYS(3), 45, 1, {{"LP-HKD", "Lệ phí đăng ký hộ kinh doanh", 100000, 0, 1}}, 2,
	 {{"TX-KD-01", "Giay de nghi dang ky ho kinh doanh", "pdf", 90, 400},
	  {"TX-KD-02", "Hop dong thue dia diem kinh doanh", "pdf", 300, 2000}},
	 "Đăng ký hộ kinh doanh do %s làm chủ"},
};
const size_t catalog_n_procedures = sizeof(catalog_procedures) / sizeof(catalog_procedures[0]);

static const char *const villages_a[] = {"Thôn Đồng Lạc", "Thôn Đa Phú", "Thôn Tân Hà",
					 "Thôn Đông Thanh", "Thôn Phú Thạnh", NULL};
static const char *const villages_b[] = {"Tổ dân phố 3", "Tổ dân phố Đinh Tiên Hoàng",
					 "Tổ dân phố 11", "Tổ dân phố Hòa Bình", NULL};
static const char *const villages_c[] = {"Thôn Đạ Nghịt", "Thôn Kon Pang", "Thôn Đưng K'Nớ",
					 "Thôn Liêng Trang", NULL};
static const char *const villages_d[] = {"Thôn Ka Đơn", "Thôn Lạc Xuân", "Thôn Đường Mới",
					 "Thôn Quảng Lập", NULL};

const struct catalog_commune catalog_communes[] = {
	{"H56.14", "xã Đức Trọng", "UBND xã Đức Trọng", villages_a, 45},
	{"H56.22", "phường Lâm Viên", "UBND phường Lâm Viên", villages_b, 30},
	{"H56.31", "xã Đạ Chais", "UBND xã Đạ Chais", villages_c, 10},
	{"H56.08", "xã Đơn Dương", "UBND xã Đơn Dương", villages_d, 15},
};
const size_t catalog_n_communes = sizeof(catalog_communes) / sizeof(catalog_communes[0]);

const char *const catalog_family[] = {
	"Nguyễn", "Trần", "Lê", "Phạm", "Hoàng", "Huỳnh", "Phan", "Vũ", "Võ", "Đặng",
	"Bùi", "Đỗ", "Hồ", "Ngô", "Dương", "Lý", "Đinh", "Đoàn", "Đào", "Đàm", "K'",
};
const uint16_t catalog_family_weight[] = {
	300, 110, 90, 65, 45, 40, 40, 35, 30, 40, 20, 40, 15, 15, 15, 8, 30, 25, 20, 8, 6,
};
const size_t catalog_n_family = sizeof(catalog_family) / sizeof(catalog_family[0]);

const char *const catalog_middle_male[] = {"Văn", "Hữu", "Đức", "Minh", "Quốc", "Đình",
					   "Gia", "Thanh", "Xuân", "Công"};
const size_t catalog_n_middle_male = sizeof(catalog_middle_male) / sizeof(catalog_middle_male[0]);
const char *const catalog_middle_female[] = {"Thị", "Ngọc", "Thu", "Thanh", "Kim", "Mỹ",
					     "Thùy", "Diệu", "Hồng", "Đan"};
const size_t catalog_n_middle_female =
	sizeof(catalog_middle_female) / sizeof(catalog_middle_female[0]);
const char *const catalog_given_male[] = {
	"An", "Bình", "Cường", "Dũng", "Đạt", "Đông", "Đức", "Hải", "Hiếu", "Hùng", "Khánh",
	"Long", "Minh", "Nam", "Phúc", "Quang", "Sơn", "Thắng", "Tuấn", "Đường", "Định", "Lộc",
	"Vinh", "Trung", "Điền", "Đạo",
};
const size_t catalog_n_given_male = sizeof(catalog_given_male) / sizeof(catalog_given_male[0]);
const char *const catalog_given_female[] = {
	"Anh", "Chi", "Dung", "Giang", "Hà", "Hạnh", "Hoa", "Hương", "Lan", "Linh", "Mai",
	"Ngọc", "Nhung", "Phương", "Thảo", "Trang", "Vy", "Yến", "Điệp", "Đào", "Uyên", "Hằng",
	"Ánh", "Nguyệt",
};
const size_t catalog_n_given_female =
	sizeof(catalog_given_female) / sizeof(catalog_given_female[0]);

const char *const catalog_id_provinces[] = {"068", "068", "068", "068", "066", "056",
					    "001", "079", "038", "040", "052", "064"};
const size_t catalog_n_id_provinces =
	sizeof(catalog_id_provinces) / sizeof(catalog_id_provinces[0]);

const char *const catalog_officials[] = {
	"Đỗ Thị Hồng|Công chức một cửa", "Đinh Văn Đức|Công chức tư pháp - hộ tịch",
	"Nguyễn Thị Đào|Công chức địa chính", "Trần Quốc Đạt|Phó Chủ tịch UBND",
	"Lê Minh Đường|Công an xã", "Phạm Thu Hà|Công chức văn hóa - xã hội",
};
const size_t catalog_n_officials = sizeof(catalog_officials) / sizeof(catalog_officials[0]);
