"""Modal screens over the workbench: the path dialog (open, save, export) and the help screen."""
