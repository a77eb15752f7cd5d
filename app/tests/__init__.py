# Makes app/tests a package, so pytest puts the repository root on sys.path
# and `import app` works however pytest is started.
