"""The six workbench screens (tab panes), the help screen and the dialogs."""
