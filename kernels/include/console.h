/*
 * console — text for humans: the first serial port.
 *
 * The console is a byte stream. Machine-readable records go to the telemetry interface
 * instead, so the console stays clean for people to read.
 */
#ifndef WB_CONSOLE_H
#define WB_CONSOLE_H

#include <stddef.h>

/* Prepare the device (speed, framing). Called once by the boot component. */
void console_init(void);

/* Write len bytes; "\n" becomes "\r\n" so terminals return to column 0. */
void console_write(const char *buf, size_t len);

/* One received byte (0..255), or -1 when no byte is waiting. Never blocks. */
int console_getc(void);

#endif
