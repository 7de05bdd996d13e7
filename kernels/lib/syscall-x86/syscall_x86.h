/*
 * syscall_x86.h — what the files of the syscall-x86 component (and its generated system-call
 * table) share.
 */
#ifndef SYSCALL_X86_H
#define SYSCALL_X86_H

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
