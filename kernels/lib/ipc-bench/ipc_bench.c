/*
 * ipc_bench.c — a microkernel in miniature, to measure what one IPC round trip costs.
 *
 * The microkernel layout (microkernel-x86) turns whole recipes into servers that talk by
 * messages, with generated stubs and server loops around every message. This application is
 * the message alone, small enough to read in one sitting: the price of asking another
 * protection domain for something. It sets up two user-mode domains, each with its own
 * address space —
 *
 *   client (client.S)  ── SYS_CALL ──►  kernel (ipc_entry.S)  ──►  server (server.S)
 *          ◄──────────────────────────  kernel  ◄── SYS_REPLY_WAIT ──
 *
 * — runs the client once per round, and reports on telemetry
 *
 *   bench name=ipc round=R calls=N cycles_per_call=C trap_cycles=T wrong_replies=W
 *
 * C: cycles of one IPC round trip; T: cycles of one null system call (the trap alone), from
 * the same run, so the ratio C / T holds on any host. The crossing-bench application gives
 * the cost of one call in each layout: a function call, a system call, a message.
 */
#include <stdint.h>

#include "addrspace.h"
#include "app.h"
#include "arch/x86.h"
#include "config.h"
#include "cpu.h"
#include "ipc_bench.h"
#include "libc.h"
#include "telemetry.h"

#define CALLS CONFIG_IPC_BENCH_CALLS
#define ROUNDS CONFIG_IPC_BENCH_ROUNDS
#define RFLAGS_RESERVED 0x2         /* bit 1 is always set; interrupts stay off */

struct context ipc_client_ctx, ipc_server_ctx;

static struct {
    uint64_t ipc_cycles, trap_cycles, wrong_replies;
} measured;

/* System call 0, from ipc_entry.S on the kernel stack: keep the client's figures and return
 * from the cpu_enter_user() in app_main. */
_Noreturn void ipc_exit(uint64_t ipc_cycles, uint64_t trap_cycles, uint64_t wrong_replies)
{
    measured.ipc_cycles = ipc_cycles;
    measured.trap_cycles = trap_cycles;
    measured.wrong_replies = wrong_replies;
    cpu_leave_user(0);
}

static uint64_t page_end(const uint8_t *start)
{
    return (uint64_t)start + USER_PAGE;
}

int app_main(void)
{
    const struct addrspace_range client[] = {
        { (uint64_t)ipc_client_start, (uint64_t)ipc_client_end, 0 },
        { (uint64_t)ipc_client_stack, page_end(ipc_client_stack), 1 },
    };
    const struct addrspace_range server[] = {
        { (uint64_t)ipc_server_start, (uint64_t)ipc_server_end, 0 },
        { (uint64_t)ipc_server_stack, page_end(ipc_server_stack), 1 },
    };
    uint64_t kernel_cr3 = read_cr3();
    uint64_t client_cr3 = addrspace_build(0, client, 2);
    uint64_t server_cr3 = addrspace_build(1, server, 2);

    cpu_syscall_init(ipc_entry);
    cpu_set_kernel_stack(ipc_kernel_stack_top);

    /* The server has never run: its first "resume" starts it at the top of its loop. */
    ipc_server_ctx.rip = (uint64_t)ipc_server_start;
    ipc_server_ctx.rsp = page_end(ipc_server_stack);
    ipc_server_ctx.rflags = RFLAGS_RESERVED;
    ipc_server_ctx.cr3 = server_cr3;
    ipc_client_ctx.cr3 = client_cr3;
    telemetry_write("ready app=ipc-bench");

    uint64_t wrong = 0;
    for (int round = 1; round <= ROUNDS; round++) {
        /* Enter the client in its own address space; the kernel is mapped in every one. */
        write_cr3(client_cr3);
        cpu_enter_user((uint64_t)ipc_client_start, page_end(ipc_client_stack));
        write_cr3(kernel_cr3);

        char record[160];
        snprintf(record, sizeof record,
                 "bench name=ipc round=%d calls=%d cycles_per_call=%lu trap_cycles=%lu "
                 "wrong_replies=%lu", round, CALLS, measured.ipc_cycles / CALLS,
                 measured.trap_cycles / CALLS, measured.wrong_replies);
        telemetry_write(record);
        printf("round %d: IPC round trip %lu cycles, null system call %lu cycles\n", round,
               measured.ipc_cycles / CALLS, measured.trap_cycles / CALLS);
        wrong += measured.wrong_replies;
    }
    if (wrong) {
        printf("ipc-bench: %lu wrong replies: the kernel let the domains' registers mix\n",
               wrong);
        return 1;
    }
    printf("ipc-bench: done, every reply right\n");
    return 0;
}
