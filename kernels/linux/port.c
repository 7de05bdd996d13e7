/* port — the Linux baseline's way to the workbench's debug ports.
 *
 * A unikernel writes its telemetry to port 0xe9 (QEMU's debugcon) and its exit status to port
 * 0xf4 (isa-debug-exit) with one `out` instruction each. A Linux process may not: the kernel
 * grants access to I/O ports only on request (ioperm), and the cloud kernel has no /dev/port.
 * This program asks for the two ports and writes to them, so the Linux guest's init script
 * reports on the same channels as the unikernels:
 *
 *     port tele "ready app=dns"     writes the line and a newline to 0xe9
 *     port exit 16                  writes the byte 16 (0x10: success) to 0xf4
 *
 * No C library: two system calls (ioperm, exit) are all it needs, so it is a few hundred bytes
 * and runs in an initramfs that has no libc for static programs.
 */

#define SYS_EXIT 60
#define SYS_IOPERM 173
#define TELEMETRY_PORT 0xe9
#define EXIT_PORT 0xf4

static long syscall3(long n, long a, long b, long c)
{
    long ret;
    __asm__ volatile("syscall" : "=a"(ret) : "a"(n), "D"(a), "S"(b), "d"(c)
                     : "rcx", "r11", "memory");
    return ret;
}

static void outb(unsigned short port, unsigned char value)
{
    __asm__ volatile("outb %0, %1" : : "a"(value), "Nd"(port));
}

static int same(const char *a, const char *b)
{
    while (*a && *a == *b) {
        a++;
        b++;
    }
    return *a == *b;
}

static int number(const char *s)
{
    int n = 0;
    while (*s >= '0' && *s <= '9')
        n = n * 10 + (*s++ - '0');
    return n;
}

static int run(int argc, char **argv)
{
    if (argc != 3)
        return 2;
    if (same(argv[1], "tele")) {
        if (syscall3(SYS_IOPERM, TELEMETRY_PORT, 1, 1) != 0)
            return 1;
        for (const char *p = argv[2]; *p; p++)
            outb(TELEMETRY_PORT, (unsigned char)*p);
        outb(TELEMETRY_PORT, '\n');
        return 0;
    }
    if (same(argv[1], "exit")) {
        if (syscall3(SYS_IOPERM, EXIT_PORT, 1, 1) != 0)
            return 1;
        outb(EXIT_PORT, (unsigned char)number(argv[2]));
        return 0; /* QEMU has ended the machine before this returns */
    }
    return 2;
}

/* The kernel starts a static program here with argc, argv... on the stack. */
__attribute__((used)) static void start_c(long *stack)
{
    syscall3(SYS_EXIT, run((int)stack[0], (char **)(stack + 1)), 0, 0);
}

__asm__(".globl _start\n"
        "_start:\n"
        "    mov %rsp, %rdi\n"
        "    and $-16, %rsp\n"
        "    call start_c\n");
