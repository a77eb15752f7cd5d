# Makes data/tests a package, so pytest puts the repository root on sys.path
# and `import data` works however pytest is started.
