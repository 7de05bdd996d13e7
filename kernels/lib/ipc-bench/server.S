/*
 * server.S — the server domain: a service in ring 3, in its own address space.
 *
 * A microkernel server is a loop: wait for a request, do the work, reply, wait again. Here
 * "reply, then wait for the next request" is one system call, SYS_REPLY_WAIT, so the server
 * is always stopped inside it; the kernel resumes it right after that `syscall` with the next
 * message in RDI. The very first message resumes it at ipc_server_start instead, with the
 * registers set up by ipc_bench.c.
 *
 * The work is the smallest that can be checked: the reply is the message plus one. The
 * server also uses its own stack and scribbles over registers the client relies on — it may,
 * it is another program — to show that the kernel keeps the two apart.
 */
#include "ipc_bench.h"

    .section .text.ipc_server, "ax", @progbits
    .balign USER_PAGE
    .globl ipc_server_start
ipc_server_start:
    pushq %rdi                      /* the request, on the server's own stack */
    movq $-1, %rbx                  /* registers of the server's own: the client must never */
    movq $-1, %r12                  /* see these values */
    movq $-1, %r15
    popq %rdi
    incq %rdi                       /* the work: reply = request + 1 */
    movl $SYS_REPLY_WAIT, %eax
    syscall                         /* the next request arrives in RDI */
    jmp ipc_server_start
    .balign USER_PAGE
    .globl ipc_server_end
ipc_server_end:

    .section .bss.ipc_server_stack, "aw", @nobits
    .balign USER_PAGE
    .globl ipc_server_stack
ipc_server_stack:
    .skip USER_PAGE
