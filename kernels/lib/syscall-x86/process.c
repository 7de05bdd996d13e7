/*
 * process.c — the application as a user-mode process.
 *
 * In a library OS the boot component's call `app_main()` *is* the application. In the
 * monolithic layout the application is renamed in its own domain (user_app_main) and this
 * file owns the name app_main: for the boot component it still means "run the application
 * and give me its status", but now that means
 *
 *   1. make the user domain's pages user-accessible (user_pages.c),
 *   2. switch on system calls and set the kernel stack (syscall_setup.c),
 *   3. enter ring 3 at user_start, on the user stack (cpu_enter_user, from the cpu component),
 *
 * and wait until the process makes the exit system call, whose handler is below. Nothing of
 * boot-pvh changes: the layout is a matter of glue between the same components.
 */
#include <stdint.h>

#include "app.h"
#include "config.h"
#include "cpu.h"
#include "libc.h"
#include "syscall_x86.h"
#include "telemetry.h"

int app_main(void)
{
    user_pages_init();
    syscall_setup();
    telemetry_write("phase name=user");
    /* user_start is entered as if it had been called: the ABI wants RSP + 8 to be a multiple
     * of 16 at a function's first instruction, so leave room for the return address. */
    uint64_t stack_top = (uint64_t)user_stack + CONFIG_SYSCALL_X86_USER_STACK_KIB * 1024;
    return cpu_enter_user((uint64_t)user_start, stack_top - 8);
}

/*
 * System call 0: the process is done. `ring` is the privilege level the user side read from
 * its own CS just before calling: it should say 3, and the workbench's tests check it.
 * A real kernel would now free the process's memory and schedule another one; we return to
 * the kernel's app_main as if cpu_enter_user had returned `code`.
 */
uint64_t sys_exit(uint64_t code, uint64_t ring, uint64_t a2, uint64_t a3, uint64_t a4,
                  uint64_t a5)
{
    (void)a2, (void)a3, (void)a4, (void)a5;
    char record[64];
    snprintf(record, sizeof record, "process exit=%d ring=%lu", (int)code, ring);
    telemetry_write(record);
    cpu_leave_user((int)code);
}
