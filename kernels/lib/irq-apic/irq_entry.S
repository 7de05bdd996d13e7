/*
 * irq_entry.S — what the CPU runs when an interrupt wakes it.
 *
 * Nothing but "done": tell the local APIC the interrupt is handled (a write to its EOI
 * register), then return to the instruction after the `hlt`. The work itself — reading
 * frames, running timers — happens in the main loop once irq_wait() returns, so no C runs
 * here and no register but RAX is touched (and it is saved). The CPU entered through an
 * interrupt gate, so interrupts stay off until iretq restores the caller's flags.
 */

    .section .text.irq_apic_entry, "ax", @progbits
    .globl irq_wake_entry
irq_wake_entry:
    pushq %rax
    movq lapic_eoi(%rip), %rax
    movl $0, (%rax)
    popq %rax
    iretq

/* A spurious interrupt (the APIC withdrew one it had signalled) must not be acknowledged. */
    .globl irq_spurious_entry
irq_spurious_entry:
    iretq
