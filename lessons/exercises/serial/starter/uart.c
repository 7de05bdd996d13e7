/*
 * uart.c — the console on a 16550 UART, the PC's classic serial port chip.
 *
 * The UART is programmed through eight I/O ports starting at its base address (COM1 is at
 * 0x3f8). We use it the simplest possible way: polling. To send a byte, wait until the
 * transmitter has room, then write it; to receive, look whether a byte has arrived. No
 * interrupts, no buffers of our own: in a unikernel with one application, waiting for a
 * device that QEMU emulates almost instantly costs nothing.
 */
#include <stddef.h>
#include <stdint.h>

#include "arch/x86.h"
#include "config.h"
#include "console.h"

#define COM1 0x3f8

/* Register offsets from the base port. */
#define REG_DATA        0   /* read: received byte; write: byte to send */
#define REG_IER         1   /* interrupt enable */
#define REG_FCR         2   /* FIFO control (write only) */
#define REG_LCR         3   /* line control: framing, and the DLAB bit */
#define REG_MCR         4   /* modem control */
#define REG_LSR         5   /* line status */
#define REG_DIVISOR_LOW 0   /* with DLAB set, ports 0 and 1 hold the baud-rate divisor */
#define REG_DIVISOR_HIGH 1

#define LCR_DLAB        0x80 /* "divisor latch access": ports 0/1 become the divisor */
#define LCR_8N1         0x03 /* 8 data bits, no parity, 1 stop bit */
#define FCR_ENABLE_CLEAR 0x07 /* enable FIFOs and empty both */
#define MCR_DTR_RTS     0x03 /* tell the other side we are ready */
#define LSR_DATA_READY  0x01 /* a received byte is waiting */
#define LSR_TX_EMPTY    0x20 /* the transmitter can take another byte */

/* The UART's clock gives 115200 baud with divisor 1; slower speeds divide it. */
#define UART_MAX_BAUD 115200
#if UART_MAX_BAUD % CONFIG_SERIAL_16550_BAUD != 0
#error "serial-16550: baud must divide 115200 (e.g. 9600, 19200, 38400, 57600, 115200)"
#endif
#define DIVISOR (UART_MAX_BAUD / CONFIG_SERIAL_16550_BAUD)

void console_init(void)
{
    outb(COM1 + REG_IER, 0x00);                 /* no interrupts: we poll */
    outb(COM1 + REG_LCR, LCR_DLAB);
    outb(COM1 + REG_DIVISOR_LOW, DIVISOR & 0xff);
    outb(COM1 + REG_DIVISOR_HIGH, (DIVISOR >> 8) & 0xff);
    outb(COM1 + REG_LCR, LCR_8N1);              /* also clears DLAB */
    outb(COM1 + REG_FCR, FCR_ENABLE_CLEAR);
    outb(COM1 + REG_MCR, MCR_DTR_RTS);
}

static void put_byte(char c)
{
    /*
     * TODO (exercise "serial"): send one byte.
     *
     * The transmitter holds only a few bytes. Read the line status register (COM1 + REG_LSR)
     * with inb() until its LSR_TX_EMPTY bit is set — call cpu_relax() while you wait — then
     * write the byte to the data register (COM1 + REG_DATA) with outb().
     */
    (void)c;
}

void console_write(const char *buf, size_t len)
{
    /*
     * TODO (exercise "serial"): send exactly `len` bytes of `buf` with put_byte.
     *
     * A terminal moves to the next line on '\n' but only returns to column 0 on '\r'.
     * C text ends its lines with '\n' alone, so send "\r\n" for every '\n'.
     * (`buf` need not end with a NUL: never read past buf[len - 1].)
     */
    (void)buf;
    (void)len;
}

int console_getc(void)
{
    if ((inb(COM1 + REG_LSR) & LSR_DATA_READY) == 0)
        return -1;
    return inb(COM1 + REG_DATA);
}
