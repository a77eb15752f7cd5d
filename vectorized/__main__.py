import sys

from app.arrays import main

sys.exit(main())
