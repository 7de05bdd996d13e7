/*
 * syscall_x86.h — what the files of the syscall-x86 component (and its generated system-call
 * table) share.
 */
#ifndef SYSCALL_X86_H
#define SYSCALL_X86_H

/* Selectors of cpu-x86's GDT (x86_tables.h): kernel code 0x08, kernel data 0x10, user data
 * 0x18, user code 0x20. `syscall` and `sysretq` compute the selectors from STAR and need this
 * exact order; the low two bits of a selector are the ring it asks for. */
#define KERNEL_CS 0x08
#define USER_DS   (0x18 | 3)
#define USER_CS   (0x20 | 3)

/* System call 0 is the only one not generated from an interface: the end of the process. */
#define SYS_EXIT 0

#ifndef __ASSEMBLER__       /* the rest is C; the assembly files need only the numbers above */
#include <stdint.h>

/* Every system call has the same shape in the kernel: six register-sized arguments in, one
 * register-sized result out. The generated wrappers turn them back into typed arguments. */
typedef uint64_t (*syscall_fn)(uint64_t, uint64_t, uint64_t, uint64_t, uint64_t, uint64_t);

/* Generated from the interface descriptions (syscall_table.c in the build folder). */
extern const syscall_fn syscall_table[];
extern const uint64_t syscall_count;

/* process.c: system call 0 */
uint64_t sys_exit(uint64_t code, uint64_t ring, uint64_t a2, uint64_t a3, uint64_t a4,
                  uint64_t a5);

/* user_pages.c, syscall_setup.c */
void user_pages_init(void);
void syscall_setup(void);

/* enter_user.S */
int enter_user_mode(uint64_t entry, uint64_t user_stack);
_Noreturn void leave_user_mode(int status);

/* syscall_entry.S: the kernel stack for system calls and exceptions from ring 3 */
extern uint8_t kernel_stack_top[];

/* The user side (generated glue, in the user domain): the process's first function and its
 * stack, CONFIG_SYSCALL_X86_USER_STACK_KIB KiB. */
extern uint8_t user_stack[];
void user_start(void);

/* The linker script marks out the user domain: code, read-only data, then writable data,
 * stack and heap, each starting on a page boundary. */
extern uint8_t __user_start[], __user_rodata_start[], __user_data_start[], __user_end[];

#endif /* __ASSEMBLER__ */
#endif
