/*
 * lock.h - when the console hides citizen data and how it may come back.
 *
 * The policy piece of the screen lock, kept apart from the UI so it can be
 * tested with plain numbers: after `idle` seconds without a key press the
 * console locks; within `grace` seconds of locking the clerk may unlock with
 * their local PIN (auth/pin.h; AUTH_LOCK_PIN_TRIES wrong ones end the
 * grace); after that a new device approval is required.  Sync and the queue are not this module's
 * business: they go on while locked.  Time is passed in (no clock reads).
 */
#ifndef MOTCUA_AUTH_LOCK_H
#define MOTCUA_AUTH_LOCK_H

#include <stdbool.h>

#include "core/civil.h"

enum auth_unlock {
	AUTH_UNLOCK_NONE,   /* not locked */
	AUTH_UNLOCK_SHORT,  /* a short unlock is still allowed */
	AUTH_UNLOCK_DEVICE, /* grace over: a new device approval is needed */
};

#define AUTH_LOCK_PIN_TRIES 5

struct auth_lock {
	int idle_s;          /* 0: never lock */
	int grace_s;         /* 0: never a short unlock */
	mc_time last_activity;
	mc_time locked_at;   /* valid while locked */
	bool locked;
	bool by_hand;        /* locked by the clerk (auth_lock_now), not for idleness */
	int wrong_pins;      /* since it locked */
};

/* Minutes as in the configuration (lock_idle_minutes, lock_grace_minutes);
 * negative values count as 0. */
void auth_lock_init(struct auth_lock *lock, int idle_minutes, int grace_minutes, mc_time now);

/* A key press or other sign of the clerk; ignored while locked. */
void auth_lock_activity(struct auth_lock *lock, mc_time now);

/* Lock if idle long enough (locked_at = when the idle time ran out); returns
 * whether the console is locked now. */
bool auth_lock_check(struct auth_lock *lock, mc_time now);

/* Lock at once (the clerk asked for it). */
void auth_lock_now(struct auth_lock *lock, mc_time now);

/* A wrong PIN while locked: returns the tries left; at 0 the grace is over
 * (a device approval is needed). */
int auth_lock_pin_wrong(struct auth_lock *lock);

/* What unlocking takes at `now`. */
enum auth_unlock auth_lock_unlock_kind(const struct auth_lock *lock, mc_time now);

/* The clerk unlocked (by the kind auth_lock_unlock_kind() asked for). */
void auth_lock_unlocked(struct auth_lock *lock, mc_time now);

/* Seconds until the lock would engage with no further activity; -1 when
 * locked or the lock is off.  For the UI's timer. */
long auth_lock_seconds_left(const struct auth_lock *lock, mc_time now);

#endif
