"""tools/mutate's generator: every operator site in code is found, comments, directives
and string literals are left alone, and guarded early returns get disabled."""
import importlib.machinery, importlib.util, os, sys, tempfile, unittest

ROOT = sys.argv.pop(1) if len(sys.argv) > 1 else os.path.join(os.path.dirname(__file__), '../../..')
loader = importlib.machinery.SourceFileLoader('mutate', os.path.join(ROOT, 'tools/mutate'))
spec = importlib.util.spec_from_loader('mutate', loader)
mutate = importlib.util.module_from_spec(spec)
loader.exec_module(mutate)

FIXTURE = '''/* a comment with == and && */
#define X (a == b)
static int f(int a, int b)
{
    if (a == b) return 1;
    if (!a && b < 3) return 2;
    kprintf("a == b\\n");
    if (a > 7 &&
        b) return 3;
    if (f(a, b) < 0)
        return 4;
    if (a) {
        return false;
    }
    return a >= b || b <= 1;
}
'''


class Generator(unittest.TestCase):
    def setUp(self):
        fd, self.path = tempfile.mkstemp(suffix='.c')
        with os.fdopen(fd, 'w') as f:
            f.write(FIXTURE)

    def tearDown(self):
        os.unlink(self.path)

    def test_sites(self):
        got = {(i + 1, name, new.strip()) for _, i, name, new in mutate.mutants(self.path)}
        want = {
            (5, 'eq->ne', 'if (a != b) return 1;'),
            (5, 'guard-off', 'if (0 && (a == b)) return 1;'),
            (6, 'and->or', 'if (!a || b < 3) return 2;'),
            (6, 'not-dropped', 'if (a && b < 3) return 2;'),
            (6, 'lt->le', 'if (!a && b <= 3) return 2;'),
            (6, 'guard-off', 'if (0 && (!a && b < 3)) return 2;'),
            (8, 'gt->ge', 'if (a >= 7 &&'),
            (8, 'and->or', 'if (a > 7 ||'),
            (10, 'lt->le', 'if (f(a, b) <= 0)'),
            (10, 'check-off', 'if (0 && (f(a, b) < 0))'),
            (12, 'check-off', 'if (0 && (a)) {'),
            (13, 'bool-flip', 'return true;'),
            (15, 'ge->gt', 'return a > b || b <= 1;'),
            (15, 'le->lt', 'return a >= b || b < 1;'),
            (15, 'or->and', 'return a >= b && b <= 1;'),
        }
        self.assertEqual(got, want)

    def test_comments_directives_strings_untouched(self):
        lines = {i + 1 for _, i, _, _ in mutate.mutants(self.path)}
        self.assertFalse(lines & {1, 2, 7})


if __name__ == '__main__':
    unittest.main()
