/* Tests written for the fourth mutation campaign's survivors (mut4_tests.c,
 * docs/testing.md). Each returns 0, or 1 with the reason in why (fstest.h). */
#pragma once
int m4_access_modes(void);
int m4_references_come_back(void);
int m4_shared_stores_survive_trim(void);
int m4_exec_not_a_program(void);
int m4_program_pages_stay_held(void);
int m4_trim_on_full_cache(void);
int m4_offset_limits(void);
int m4_readonly_views_store_nothing(void);
int m4_tiny_program(void);
int m4_file_mapping_stays_in_its_area(void);
