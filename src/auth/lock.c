/*
 * lock.c - the idle-lock policy (see lock.h).  Pure arithmetic on times
 * passed in; no UI, no clock, no tokens.
 */
#include "auth/lock.h"

static int
minutes_to_s(int minutes)
{
	if (minutes <= 0)
		return 0;
	if (minutes > 7 * 24 * 60)
		minutes = 7 * 24 * 60;
	return minutes * 60;
}

void
auth_lock_init(struct auth_lock *lock, int idle_minutes, int grace_minutes, mc_time now)
{
	lock->idle_s = minutes_to_s(idle_minutes);
	lock->grace_s = minutes_to_s(grace_minutes);
	lock->last_activity = now;
	lock->locked_at = 0;
	lock->locked = false;
}

void
auth_lock_activity(struct auth_lock *lock, mc_time now)
{
	if (!lock->locked && now > lock->last_activity)
		lock->last_activity = now;
}

bool
auth_lock_check(struct auth_lock *lock, mc_time now)
{
	if (!lock->locked && lock->idle_s > 0 && now - lock->last_activity >= lock->idle_s) {
		lock->locked = true;
		lock->locked_at = lock->last_activity + lock->idle_s;
		lock->by_hand = false;
		lock->wrong_pins = 0;
	}
	return lock->locked;
}

void
auth_lock_now(struct auth_lock *lock, mc_time now)
{
	if (!lock->locked) {
		lock->locked = true;
		lock->locked_at = now;
		lock->by_hand = true;
		lock->wrong_pins = 0;
	}
}

int
auth_lock_pin_wrong(struct auth_lock *lock)
{
	if (lock->locked && lock->wrong_pins < AUTH_LOCK_PIN_TRIES)
		lock->wrong_pins++;
	return AUTH_LOCK_PIN_TRIES - lock->wrong_pins;
}

enum auth_unlock
auth_lock_unlock_kind(const struct auth_lock *lock, mc_time now)
{
	if (!lock->locked)
		return AUTH_UNLOCK_NONE;
	if (lock->grace_s > 0 && now - lock->locked_at < lock->grace_s &&
	    lock->wrong_pins < AUTH_LOCK_PIN_TRIES)
		return AUTH_UNLOCK_SHORT;
	return AUTH_UNLOCK_DEVICE;
}

void
auth_lock_unlocked(struct auth_lock *lock, mc_time now)
{
	lock->locked = false;
	lock->last_activity = now;
	lock->wrong_pins = 0;
}

long
auth_lock_seconds_left(const struct auth_lock *lock, mc_time now)
{
	long left;

	if (lock->locked || lock->idle_s == 0)
		return -1;
	left = (long)(lock->last_activity + lock->idle_s - now);
	return left > 0 ? left : 0;
}
