-- GET one path over and over (the path and headers come from the command line: wrk ... URL).
dofile(os.getenv("LOAD_DIR") .. "/report.lua")
