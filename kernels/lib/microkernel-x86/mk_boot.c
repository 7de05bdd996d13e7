/*
 * mk_boot.c — bring the microkernel up: address spaces, the system-call entry, the servers,
 * then the application.
 *
 * The boot component calls console_init() before anything else. In this layout the console
 * is a server in its own address space, and that call is the kernel's first request
 * (mk_call.c), which is why mk_init runs then, once:
 *
 *   1. a page-table tree per domain (addrspace), each granting ring 3 that domain alone;
 *   2. `syscall` enters at mk_syscall_entry; traps from ring 3 use our kernel stack;
 *   3. every server is run once, up to its first SYS_REPLY_WAIT: from then on it is a loop
 *      waiting for requests.
 *
 * Servers get IOPL 3 in RFLAGS, which lets ring-3 code use in/out: the drivers need their
 * ports. A real microkernel grants each driver only its own ports (the TSS's I/O permission
 * bitmap) or maps only its own device registers; this one trusts every server with all ports.
 * The application gets IOPL 0, as in the monolithic layout.
 *
 * The boot component's call app_main() means, here as in the monolithic layout, "run the
 * application in ring 3 and give me its status".
 */
#include <stdint.h>

#include "addrspace.h"
#include "app.h"
#include "config.h"
#include "arch/x86.h"
#include "cpu.h"
#include "libc.h"
#include "mk.h"
#include "telemetry.h"

#define RFLAGS_RESERVED 0x2
#define RFLAGS_IOPL3    (3u << 12)

struct context mk_ctx[CONFIG_MICROKERNEL_X86_MAX_DOMAINS];
static uint64_t kernel_cr3;
static int started;

void mk_init(void)
{
    if (started)
        return;
    started = 1;
    mk_current = MK_KERNEL;
    mk_kernel_sp = (uint64_t)mk_stack_top;
    kernel_cr3 = read_cr3();

    for (int i = 0; i < mk_domain_count; i++) {
        const struct mk_domain *d = &mk_domains[i];
        const struct addrspace_range pages[] = {
            { d->start, d->data, 0 },       /* its code and constants */
            { d->data, d->end, 1 },         /* its data, stack and message page */
        };
        mk_ctx[i].cr3 = addrspace_build(i, pages, 2);
        mk_ctx[i].rip = d->entry;
        mk_ctx[i].rsp = d->stack_top - 8;   /* a server loop is entered as if called */
        mk_ctx[i].rflags = RFLAGS_RESERVED | (d->io ? RFLAGS_IOPL3 : 0);
    }
    cpu_syscall_init(mk_syscall_entry);
    cpu_set_kernel_stack(mk_stack_top);

    const struct mk_msg start = { 0 };
    for (int i = 0; i < mk_domain_count; i++)
        if (i != mk_app)
            mk_upcall(i, &start);   /* returns at the server's first SYS_REPLY_WAIT */
}

int app_main(void)
{
    mk_init();
    char record[64];
    snprintf(record, sizeof record, "phase name=user servers=%d", mk_domain_count - 1);
    telemetry_write(record);

    const struct mk_domain *app = &mk_domains[mk_app];
    mk_current = mk_app;
    write_cr3(mk_ctx[mk_app].cr3);
    /* Entered as if called: the ABI wants RSP + 8 to be a multiple of 16. */
    int status = cpu_enter_user(app->entry, app->stack_top - 8);
    write_cr3(kernel_cr3);
    mk_current = MK_KERNEL;
    return status;
}
