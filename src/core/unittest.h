/*
 * unittest.h - reach a module's statics from its cmocka test (curl's UNITTEST).
 *
 * Mark a function `UNITTEST int helper(...)` instead of `static int helper(...)`
 * and declare it in the test file.  Test builds (make check, make asan) define
 * MOTCUA_UNITTEST and the function becomes external; release builds keep it
 * static.  Because the build uses -Wmissing-prototypes, give such a function a
 * prototype first, e.g. in the .c:  UNITTEST int helper(int x);
 */
#ifndef MOTCUA_UNITTEST_H
#define MOTCUA_UNITTEST_H

#ifdef MOTCUA_UNITTEST
#define UNITTEST
#else
#define UNITTEST static
#endif

#endif
