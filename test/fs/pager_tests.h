/* mm0's pager and fs0's page cache at their limits (pager_tests.c). Each returns 0,
 * or 1 with the reason in why (fstest.h). */
#pragma once
int pt_file_table(void);
int pt_cache_full(void);
int pt_threads_same_page(void);
int pt_mapping_rights(void);
int pt_rw_view_writes_back_what_was_stored(void);
