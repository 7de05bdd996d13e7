"""The build: a resolution becomes an image.

`pipeline` is the whole path (config headers, generated sources, the layout's glue, cached
parallel compiles, the link, the layout's checks); `toolchain` drives the compiler and linker;
`linkscript` writes the linker script every layout starts from; `generators` turn a component's
data (a zone file, a site folder) into C at build time.
"""
