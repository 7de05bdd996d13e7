/*
 * mk.h — what the files of the microkernel-x86 component (and the tables the workbench
 * generates for it) share.
 */
#ifndef MK_H
#define MK_H

/* System-call numbers every domain agrees on; the calls to servers are numbered from
 * MK_FIRST_CALL on, one per interface function, by the workbench (mk_tables.c). */
#define MK_SYS_EXIT       0     /* the application is done: RDI = status, RSI = its ring */
#define MK_SYS_REPLY_WAIT 1     /* a server: RDI = the reply; wait for the next request */
#define MK_FIRST_CALL     2

#define MK_KERNEL (-1)          /* the caller of mk_call when it is the kernel itself */
#define MK_MESSAGE_BYTES 4096   /* a server's message page: where copied buffers land */

/* A domain that is not running (struct context) and the CTX_* offsets mk_entry.S uses. */
#include "arch/context.h"

#ifndef __ASSEMBLER__
#include <stddef.h>
#include <stdint.h>

/* A request as it travels: the function's number in the server's loop and six arguments,
 * exactly the registers RAX, RDI, RSI, RDX, R10, R8, R9 (mk_entry.S builds one from them). */
struct mk_msg {
    uint64_t fn;
    uint64_t a[6];
};

/* A user-mode protection domain (generated: mk_tables.c in the build folder). */
struct mk_domain {
    const char *name;
    uint64_t start, data, end;  /* [start, data) read-only, [data, end) writable */
    uint64_t entry;             /* a server's loop, or the application's start */
    uint64_t stack_top;
    uint8_t *message;           /* a server's message page; 0 for the application */
    int io;                     /* may it use in/out? (IOPL 3: see mk_boot.c) */
};

/* How each argument of a call travels (generated per interface function). */
#define MK_ARG_VALUE  0         /* an integer, as it is */
#define MK_ARG_BUFFER 1         /* const bytes, as many as argument len_of[i] says: copied */
#define MK_ARG_STRING 2         /* a NUL-terminated const string: copied */

struct mk_target {
    const char *name;           /* interface function, for messages */
    int domain;                 /* the server that provides it */
    uint8_t fn;                 /* its number in that server's loop */
    uint8_t nargs;
    uint8_t kind[6];
    uint8_t len_of[6];
};

extern const struct mk_domain mk_domains[];
extern const int mk_domain_count, mk_app;
extern const struct mk_target mk_targets[];
extern const uint64_t mk_target_count;

/* mk_boot.c */
extern struct context mk_ctx[];
void mk_init(void);

/* mk_call.c: a call through the kernel, from a domain or from the kernel (MK_KERNEL). */
uint64_t mk_call(int caller, uint64_t number, const uint64_t a[6]);
uint64_t mk_syscall(const struct mk_msg *m);

/* mk_entry.S */
void mk_syscall_entry(void);
uint64_t mk_upcall(int64_t domain, const struct mk_msg *m);
extern int64_t mk_current;          /* the domain running in ring 3, or MK_KERNEL */
extern uint64_t mk_kernel_sp;       /* where the next system call's kernel stack starts */
extern uint8_t mk_stack_top[];

#endif /* __ASSEMBLER__ */
#endif
