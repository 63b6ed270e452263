// Progressive enhancement only: every page reads and works without this file.
"use strict";
