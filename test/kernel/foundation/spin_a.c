#include "spin.h"
int main(void *bootinfo) { (void)bootinfo; return spin("spin_a"); }
