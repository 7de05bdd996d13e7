/*
 * app — what every application provides: its main function.
 *
 * A unikernel runs exactly one application. The boot component calls app_main() once, after
 * the CPU, console and telemetry are ready; its return value decides the exit status:
 * 0 means success, anything else failure.
 */
#ifndef WB_APP_H
#define WB_APP_H

int app_main(void);

#endif
