# Makes pictures/tests a package, so pytest puts the repository root on sys.path
# and `import pictures` works however pytest is started.
