/*
 * ipc_bench.h — what the files of the ipc-bench component share: the system-call numbers,
 * the saved registers of a domain, and the user-mode code and stacks.
 */
#ifndef IPC_BENCH_H
#define IPC_BENCH_H

/* The four system calls of this miniature microkernel (number in RAX, message in RDI). */
#define SYS_EXIT       0    /* the client is done: RDI, RSI, RDX carry its measurements */
#define SYS_NULL       1    /* enter the kernel and leave at once: the floor of any crossing */
#define SYS_CALL       2    /* client: send a message to the server and wait for the reply */
#define SYS_REPLY_WAIT 3    /* server: send the reply, then wait for the next message */

#define USER_PAGE 4096

/* A domain that is not running (struct context) and the CTX_* offsets the assembly uses. */
#include "arch/context.h"

#ifndef __ASSEMBLER__
#include <stdint.h>

/* ipc_entry.S reads and writes these; ipc_bench.c fills them in. */
extern struct context ipc_client_ctx, ipc_server_ctx;

/* ipc_entry.S: where `syscall` enters; its stack for exceptions and for the exit call. */
void ipc_entry(void);
extern uint8_t ipc_kernel_stack_top[];

/* ipc_bench.c: system call 0 (called on the kernel stack by ipc_entry.S). */
_Noreturn void ipc_exit(uint64_t ipc_cycles, uint64_t trap_cycles, uint64_t wrong_replies);

/* client.S and server.S: each domain's code and stack, each on pages of its own. */
extern uint8_t ipc_client_start[], ipc_client_end[], ipc_client_stack[];
extern uint8_t ipc_server_start[], ipc_server_end[], ipc_server_stack[];

#endif /* __ASSEMBLER__ */
#endif
