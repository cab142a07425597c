/*
 * spawn.c - the attributes of a child started with posix_spawn (spawn.h),
 * one way for the viewers the console runs and the mailcap tests.
 */
#include "core/spawn.h"

#include <signal.h>

/* posix_spawn_file_actions_addclosefrom_np: glibc 2.34 on */
#if defined(__GLIBC__) && defined(__GLIBC_PREREQ)
#if __GLIBC_PREREQ(2, 34)
#define HAVE_SPAWN_CLOSEFROM 1
#endif
#endif

int
spawn_prepare(posix_spawnattr_t *attr, posix_spawn_file_actions_t *fa, bool own_group)
{
	sigset_t none, dfl;
	short flags = POSIX_SPAWN_SETSIGMASK | POSIX_SPAWN_SETSIGDEF;

	sigemptyset(&none);
	sigemptyset(&dfl);
	sigaddset(&dfl, SIGINT);
	sigaddset(&dfl, SIGQUIT);
	sigaddset(&dfl, SIGTSTP);
	sigaddset(&dfl, SIGPIPE);
	if (own_group)
		flags |= POSIX_SPAWN_SETPGROUP;
	if (posix_spawnattr_init(attr) != 0)
		return -1;
	if (posix_spawn_file_actions_init(fa) != 0) {
		posix_spawnattr_destroy(attr);
		return -1;
	}
	if ((own_group && posix_spawnattr_setpgroup(attr, 0) != 0) ||
	    posix_spawnattr_setsigmask(attr, &none) != 0 ||
	    posix_spawnattr_setsigdefault(attr, &dfl) != 0 ||
	    posix_spawnattr_setflags(attr, flags) != 0) {
		posix_spawn_file_actions_destroy(fa);
		posix_spawnattr_destroy(attr);
		return -1;
	}
	return 0;
}

int
spawn_close_from(posix_spawn_file_actions_t *fa, int from)
{
#ifdef HAVE_SPAWN_CLOSEFROM
	return posix_spawn_file_actions_addclosefrom_np(fa, from);
#else
	(void)fa;
	(void)from;
	return 0;
#endif
}
