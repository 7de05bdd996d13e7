/*
 * telemetry — machine-readable records for the workbench, on a channel of their own.
 *
 * A record is one line of the form `kind key=value key=value`, values without spaces, e.g.
 * `ready app=hello` or `panic vector=14 name=page-fault error=0x2 rip=0x... cr2=0x...`.
 * The workbench reads them to draw the boot timeline, to know when an application is ready
 * and to explain a panic. Pass the record without a newline; the component adds it.
 */
#ifndef WB_TELEMETRY_H
#define WB_TELEMETRY_H

void telemetry_init(void);

/* Emit one record (no trailing newline). */
void telemetry_write(const char *record);

#endif
