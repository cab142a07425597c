/*
 * status.h - the canonical dossier status (DVCQG TrangThaiHoSo 1..10) and the
 * actions a clerk (or the applicant) can take from each status.
 *
 * The transition table is the single source of truth for the console (which
 * actions to offer), the outbox (which to refuse at once) and the sandbox
 * (which to reject with the dialect's error).
 */
#ifndef MOTCUA_STATUS_H
#define MOTCUA_STATUS_H

#include <stdbool.h>

enum status {
	STATUS_NONE = 0,
	STATUS_NEW = 1,              /* Mới đăng ký */
	STATUS_RECEIVED = 2,         /* Được tiếp nhận */
	STATUS_REFUSED = 3,          /* Không được tiếp nhận */
	STATUS_PROCESSING = 4,       /* Đang xử lý */
	STATUS_SUPPLEMENT = 5,       /* Yêu cầu bổ sung giấy tờ */
	STATUS_PAYMENT = 6,          /* Yêu cầu thực hiện nghĩa vụ tài chính */
	STATUS_WITHDRAWN = 7,        /* Công dân yêu cầu rút hồ sơ */
	STATUS_STOPPED = 8,          /* Dừng xử lý */
	STATUS_DONE = 9,             /* Đã xử lý xong */
	STATUS_RETURNED = 10,        /* Đã trả kết quả */
};
#define STATUS_MIN 1
#define STATUS_MAX 10

enum action {
	ACTION_NONE = 0,
	ACTION_RECEIVE,
	ACTION_REFUSE,
	ACTION_REQUEST_SUPPLEMENT,
	ACTION_SUPPLEMENT_RECEIVED,
	ACTION_FORWARD,
	ACTION_APPROVE,
	ACTION_REQUEST_PAYMENT,
	ACTION_STOP,
	ACTION_RETURN_RESULT,
	ACTION_WITHDRAW,
	ACTION_COUNT
};

/* A valid canonical code 1..10. */
bool status_valid(int code);
/* Terminal: 3, 7, 8, 10. */
bool status_is_terminal(int code);
/* Processing has ended (the national indicator's NgayKetThucXuLy): 3, 7, 8, 9, 10. */
bool status_is_finished(int code);
/* Vietnamese label as in DOMAIN.md ("Đang xử lý"); "?" for an invalid code.  Static. */
const char *status_label_vi(int code);
/* English label ("Being processed").  Static. */
const char *status_label_en(int code);

/* Canonical action name ("request-supplement"), static; NULL for invalid. */
const char *action_name(enum action a);
/* Parse a name or alias ("reject" = refuse, "supplement", "return", ...). */
enum action action_from_name(const char *name);
/* Vietnamese and English labels for menus ("Tiếp nhận" / "Receive"). */
const char *action_label_vi(enum action a);
const char *action_label_en(enum action a);
/* True when the action needs a reason (refuse, supplement, stop, withdraw). */
bool action_needs_reason(enum action a);
/* Whether the action names the unit it hands the dossier to (forward). */
bool action_needs_target(enum action a);
/* True for actions that end the dossier or cannot be undone; the UI confirms. */
bool action_is_destructive(enum action a);

/* May `a` be taken from status `from`? */
bool action_allowed(enum action a, int from);
/* Status after `a` from `from`; STATUS_NONE when not allowed. */
int action_apply(enum action a, int from);
/*
 * Fill `out` (capacity ACTION_COUNT) with the actions allowed from `from`, in
 * menu order; returns how many.
 */
int action_allowed_list(int from, enum action *out);

#endif
