/*
 * exception.c — turn a CPU exception into a report a person (and the workbench) can read.
 *
 * A unikernel has one application and no process to kill: an exception means the program is
 * broken, so we stop. But we stop loudly: the console gets the exception's name, the error
 * code decoded, the faulting instruction's address (RIP) and every register; telemetry gets
 * one `panic ...` record; the exit status says "panic". To find the faulting line, look the
 * RIP up in the image: `addr2line -e image.elf <rip>` or the workbench's symbol view.
 */
#include <stdint.h>

#include "arch/x86.h"
#include "libc.h"
#include "power.h"
#include "telemetry.h"
#include "x86_tables.h"

#define PAGE_FAULT 14

/* Names without spaces, so they can be telemetry values. Order: Intel SDM vol. 3, 6.3.1. */
static const char *const exception_names[32] = {
    "divide-error", "debug", "nmi", "breakpoint",
    "overflow", "bound-range-exceeded", "invalid-opcode", "device-not-available",
    "double-fault", "coprocessor-segment-overrun", "invalid-tss", "segment-not-present",
    "stack-segment-fault", "general-protection", "page-fault", "reserved-15",
    "x87-floating-point", "alignment-check", "machine-check", "simd-floating-point",
    "virtualization", "control-protection", "reserved-22", "reserved-23",
    "reserved-24", "reserved-25", "reserved-26", "reserved-27",
    "hypervisor-injection", "vmm-communication", "security", "reserved-31",
};

/* A page fault's error code says what kind of access failed, and why. */
static void explain_page_fault(uint64_t error, uint64_t address)
{
    const char *access = (error & 0x10) ? "instruction fetch from"
                       : (error & 0x2)  ? "write to"
                                        : "read from";
    printf("  %s a %s page at 0x%016lx, in %s mode\n", access,
           (error & 0x1) ? "protected" : "not-present", address,
           (error & 0x4) ? "user" : "kernel");
    if (error & 0x8)
        printf("  (a reserved bit is set in a page-table entry)\n");
}

static void print_registers(const struct trap_frame *f)
{
    printf("  rip 0x%016lx  cs  0x%04lx  rflags 0x%016lx\n", f->rip, f->cs, f->rflags);
    printf("  rsp 0x%016lx  ss  0x%04lx\n", f->rsp, f->ss);
    printf("  rax 0x%016lx  rbx 0x%016lx  rcx 0x%016lx\n", f->rax, f->rbx, f->rcx);
    printf("  rdx 0x%016lx  rsi 0x%016lx  rdi 0x%016lx\n", f->rdx, f->rsi, f->rdi);
    printf("  rbp 0x%016lx  r8  0x%016lx  r9  0x%016lx\n", f->rbp, f->r8, f->r9);
    printf("  r10 0x%016lx  r11 0x%016lx  r12 0x%016lx\n", f->r10, f->r11, f->r12);
    printf("  r13 0x%016lx  r14 0x%016lx  r15 0x%016lx\n", f->r13, f->r14, f->r15);
}

_Noreturn void cpu_exception(struct trap_frame *f)
{
    /* If reporting itself faults, do not try again: just stop. */
    static int reporting;
    if (reporting)
        power_exit(POWER_PANIC);
    reporting = 1;

    uint64_t cr2 = read_cr2();     /* read first: a later fault would overwrite it */
    const char *name = f->vector < 32 ? exception_names[f->vector] : "unknown";

    /* The machine-readable record first: it is short and does not depend on the console. */
    char record[160];
    int n = snprintf(record, sizeof record, "panic vector=%lu name=%s error=0x%lx rip=0x%lx",
                     f->vector, name, f->error, f->rip);
    if (f->vector == PAGE_FAULT && n > 0 && (size_t)n < sizeof record)
        snprintf(record + n, sizeof record - (size_t)n, " cr2=0x%lx", cr2);
    telemetry_write(record);

    printf("\n*** PANIC: CPU exception %lu (%s), error code 0x%lx\n", f->vector, name, f->error);
    if (f->vector == PAGE_FAULT)
        explain_page_fault(f->error, cr2);
    print_registers(f);
    printf("*** stopping: exit status \"panic\"\n");

    power_exit(POWER_PANIC);
}
